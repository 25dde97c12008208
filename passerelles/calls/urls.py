"""Back office of the calls for projects, mounted at `<org>/appels/` (namespace `calls`). One module per area."""

from django.urls import include, path

app_name = "calls"

urlpatterns = [
    path("", include("passerelles.calls.urls_calls")),
    path("", include("passerelles.calls.urls_instruction")),
    path("", include("passerelles.calls.urls_reviews")),
    path("", include("passerelles.calls.urls_grants")),
]
