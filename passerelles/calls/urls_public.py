"""The public pages of the calls (namespace `public_calls`): no login."""

from django.urls import path

from passerelles.calls.views import public as views

urlpatterns = [
    path("", views.calls, name="calls"),
    path("<int:pk>/", views.call_detail, name="call"),
    path("<int:pk>/candidater/", views.apply, name="apply"),
]
