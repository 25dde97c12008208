"""The applicant journey: `applicant` (namespace `applicant`, under `comptes/acteur/candidatures/`)."""

from django.urls import path

from passerelles.calls.views import applications as views

applicant = [
    path("", views.applications, name="applications"),
    path("appel/<int:call_pk>/commencer/", views.start, name="start"),
    path("<int:pk>/", views.application, name="application"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/budget/", views.budget, name="budget"),
    path("<int:pk>/pieces/", views.attachments, name="attachments"),
    path("pieces/<int:pk>/", views.attachment, name="attachment"),
    path("pieces/<int:pk>/supprimer/", views.attachment_delete, name="attachment_delete"),
    path("<int:pk>/verification/", views.check, name="check"),
    path("<int:pk>/deposer/", views.submit, name="submit"),
    path("<int:pk>/recepisse.pdf", views.receipt, name="receipt"),
    path("<int:pk>/retirer/", views.withdraw, name="withdraw"),
]
