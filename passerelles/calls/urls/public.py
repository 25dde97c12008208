"""Public pages of the calls, mounted at `public/<slug:public_slug>/appels/`: no login."""

from django.urls import include, path

from passerelles.calls.urls import calls, grants

app_name = "public_calls"

urlpatterns = [
    path("", include(calls.public)),
    path("", include(grants.public)),
]
