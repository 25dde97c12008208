"""Public watch pages (one-click unsubscribe), mounted at `public/veille/`."""

from django.urls import path

from passerelles.actors import watch_public_views as views

app_name = "watch_public"

urlpatterns = [
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
