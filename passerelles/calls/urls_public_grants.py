"""Public open data of the awarded grants (namespace `public_calls`): no login, no personal data."""

from django.urls import path

from passerelles.calls.views import grants

urlpatterns = [
    path("subventions/", grants.public_grants, name="grants"),
    path("subventions/export/", grants.public_grants_export, name="grants_export"),
]
