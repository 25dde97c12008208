"""Public pages of the calls, mounted at `public/<slug:public_slug>/appels/`: no login."""

from django.urls import include, path

app_name = "public_calls"

urlpatterns = [
    path("", include("passerelles.calls.urls_public")),
    path("", include("passerelles.calls.urls_public_grants")),
]
