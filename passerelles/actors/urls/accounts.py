from django.urls import path

from passerelles.actors.views import accounts as views

urlpatterns = [
    path("<int:pk>/compte/", views.actor_account_invite, name="actor_account_invite"),
    path("<int:pk>/compte/retirer/", views.actor_account_revoke, name="actor_account_revoke"),
    path("donnees-personnelles/", views.data_requests, name="data_requests"),
    path("donnees-personnelles/export/", views.data_requests_export, name="data_requests_export"),
]
