"""Back office of the calls for projects, mounted at `<org>/appels/` (namespace `calls`). One list per area."""

from django.urls import include, path

from passerelles.calls.urls import calls, committee, grants, instruction, reviews

app_name = "calls"

urlpatterns = [
    path("", include(calls.backoffice)),
    path("", include(instruction.backoffice)),
    path("", include(reviews.backoffice)),
    path("", include(committee.backoffice)),
    path("", include(grants.backoffice)),
]
