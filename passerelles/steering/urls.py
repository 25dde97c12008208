"""Steering URLs, one module per area; all share the `steering` namespace."""

from django.urls import include, path

app_name = "steering"

urlpatterns = [
    path("", include("passerelles.steering.urls_dashboard")),
    path("", include("passerelles.steering.urls_projects")),
    path("", include("passerelles.steering.urls_results")),
    path("", include("passerelles.steering.urls_finance")),
    path("", include("passerelles.steering.urls_reviews")),
    path("", include("passerelles.steering.urls_monitoring")),
]
