"""The instruction of the applications: `backoffice` (namespace `calls`), and the applicant's side of the
message thread (`applicant`, namespace `applicant`)."""

from django.urls import path

from passerelles.calls.views import instruction as views

backoffice = [
    path("candidatures/", views.applications, name="applications"),
    path("candidatures/export/", views.applications_export, name="applications_export"),
    path("candidatures/<int:pk>/", views.application, name="application"),
    path("candidatures/pieces/<int:pk>/", views.application_attachment, name="application_attachment"),
    path("candidatures/<int:pk>/instruire/", views.application_instruct, name="application_instruct"),
    path("candidatures/<int:pk>/a-completer/", views.application_return, name="application_return"),
    path(
        "candidatures/<int:pk>/sans-suite/",
        views.application_close_without_follow_up,
        name="application_close_without_follow_up",
    ),
    path("candidatures/<int:pk>/eligibilite/", views.application_eligibility, name="application_eligibility"),
    path("candidatures/<int:pk>/annotations/", views.application_annotate, name="application_annotate"),
    path("candidatures/<int:pk>/messages/", views.application_message, name="application_message"),
    path("candidatures/<int:pk>/evaluateurs/", views.application_assign, name="application_assign"),
    path("evaluations/<int:pk>/retirer/", views.assignment_remove, name="assignment_remove"),
]

applicant = [
    path("<int:pk>/messages/", views.applicant_messages, name="messages"),
]
