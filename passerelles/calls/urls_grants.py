"""Back office: the selection committee, the grants, their instalments and reports (namespace `calls`)."""

from django.urls import path

from passerelles.calls.views import committee, grants

urlpatterns = [
    path("<int:pk>/comites/", committee.sessions, name="sessions"),
    path("<int:pk>/comites/nouveau/", committee.session_create, name="session_create"),
    path("comites/<int:pk>/", committee.session, name="session"),
    path("comites/<int:pk>/decisions/<int:application_pk>/", committee.session_decide, name="session_decide"),
    path("comites/<int:pk>/clore/", committee.session_close, name="session_close"),
    path("subventions/", grants.grants, name="grants"),
    path("subventions/export/", grants.grants_export, name="grants_export"),
    path("candidatures/<int:pk>/subvention/", grants.grant_create, name="grant_create"),
    path("subventions/<int:pk>/", grants.grant, name="grant"),
    path("subventions/<int:pk>/convention.pdf", grants.grant_agreement, name="grant_agreement"),
    path("subventions/<int:pk>/versements/nouveau/", grants.instalment_create, name="instalment_create"),
    path("versements/<int:pk>/payer/", grants.instalment_pay, name="instalment_pay"),
    path("versements/<int:pk>/supprimer/", grants.instalment_delete, name="instalment_delete"),
    path("rapports/<int:pk>/", grants.report, name="report"),
    path("rapports/<int:pk>/accepter/", grants.report_accept, name="report_accept"),
    path("rapports/<int:pk>/reprendre/", grants.report_return, name="report_return"),
]
