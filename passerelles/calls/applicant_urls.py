"""The applicant side, mounted at `comptes/acteur/candidatures/`: an actor's account, no membership."""

from django.urls import path  # noqa: F401

app_name = "applicant"

urlpatterns: list = []
