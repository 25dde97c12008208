"""The space of an actor's account, mounted at `comptes/acteur/`: no membership, only its own entries."""

from django.urls import path  # noqa: F401

app_name = "actor_space"

urlpatterns: list = []
