"""Public pages of the calls, mounted at `public/<slug:public_slug>/appels/`: no login."""

from django.urls import path  # noqa: F401

app_name = "public_calls"

urlpatterns: list = []
