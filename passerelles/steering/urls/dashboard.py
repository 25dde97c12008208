from django.urls import path

from passerelles.steering.views import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
]
