"""The public pages of the calls (namespace `public_calls`): no login."""

from django.urls import path

from passerelles.calls.views import calls as views

urlpatterns = [
    path("", views.public_calls, name="calls"),
    path("<int:pk>/", views.public_call_detail, name="call"),
    path("<int:pk>/candidater/", views.public_apply, name="apply"),
]
