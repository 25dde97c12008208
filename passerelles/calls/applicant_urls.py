"""The applicant side, mounted at `comptes/acteur/candidatures/`: an actor's account, no membership."""

from django.urls import include, path

app_name = "applicant"

urlpatterns = [
    path("", include("passerelles.calls.urls_applicant")),
    path("", include("passerelles.calls.urls_applicant_messages")),
    path("", include("passerelles.calls.urls_applicant_reports")),
]
