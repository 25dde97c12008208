"""Public watch pages (one-click unsubscribe), mounted at `public/veille/`."""

from django.urls import path  # noqa: F401

app_name = "watch_public"

urlpatterns: list = []
