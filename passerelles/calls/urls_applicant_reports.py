"""The applicant's grant and reports (namespace `applicant`): an actor's account, its own rows only."""

from django.urls import path

from passerelles.calls.views import grants

urlpatterns = [
    path("<int:pk>/subvention/", grants.applicant_grant, name="grant"),
    path("<int:pk>/convention.pdf", grants.applicant_grant_agreement, name="grant_agreement"),
    path("rapports/<int:pk>/", grants.applicant_report, name="report"),
]
