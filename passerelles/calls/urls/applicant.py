"""The applicant side, mounted at `comptes/acteur/candidatures/`: an actor's account, no membership."""

from django.urls import include, path

from passerelles.calls.urls import applications, grants, instruction

app_name = "applicant"

urlpatterns = [
    path("", include(applications.applicant)),
    path("", include(instruction.applicant)),
    path("", include(grants.applicant)),
]
