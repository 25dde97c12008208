"""The back office of the steering app, mounted at `<org>/pilotage/` (namespace `steering`). One module per area."""

from django.urls import include, path

app_name = "steering"

urlpatterns = [
    path("", include("passerelles.steering.urls.dashboard")),
    path("", include("passerelles.steering.urls.projects")),
    path("", include("passerelles.steering.urls.results")),
    path("", include("passerelles.steering.urls.finance")),
    path("", include("passerelles.steering.urls.reviews")),
    path("", include("passerelles.steering.urls.monitoring")),
]
