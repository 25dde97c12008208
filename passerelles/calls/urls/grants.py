"""The grants, their instalments and reports: `backoffice` (namespace `calls`); the applicant's grant and reports
(`applicant`, namespace `applicant`: an actor's account, its own rows only); the open data of the awarded grants
(`public`, namespace `public_calls`: no login, no personal data)."""

from django.urls import path

from passerelles.calls.views import grants as views

backoffice = [
    path("subventions/", views.grants, name="grants"),
    path("subventions/export/", views.grants_export, name="grants_export"),
    path("candidatures/<int:pk>/subvention/", views.grant_create, name="grant_create"),
    path("subventions/<int:pk>/", views.grant, name="grant"),
    path("subventions/<int:pk>/convention.pdf", views.grant_agreement, name="grant_agreement"),
    path("subventions/<int:pk>/versements/nouveau/", views.instalment_create, name="instalment_create"),
    path("versements/<int:pk>/payer/", views.instalment_pay, name="instalment_pay"),
    path("versements/<int:pk>/supprimer/", views.instalment_delete, name="instalment_delete"),
    path("rapports/<int:pk>/", views.report, name="report"),
    path("rapports/<int:pk>/accepter/", views.report_accept, name="report_accept"),
    path("rapports/<int:pk>/reprendre/", views.report_return, name="report_return"),
]

applicant = [
    path("<int:pk>/subvention/", views.applicant_grant, name="grant"),
    path("<int:pk>/convention.pdf", views.applicant_grant_agreement, name="grant_agreement"),
    path("rapports/<int:pk>/", views.applicant_report, name="report"),
]

public = [
    path("subventions/", views.public_grants, name="grants"),
    path("subventions/export/", views.public_grants_export, name="grants_export"),
]
