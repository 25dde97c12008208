"""The back-office directory of actors and its moderation, at the root of `<org>/acteurs/`."""

from django.urls import path

from passerelles.actors.views import directory as views

urlpatterns = [
    path("", views.directory, name="directory"),
    path("export/", views.directory_export, name="directory_export"),
    path("nouveau/", views.actor_create, name="actor_create"),
    path("<int:pk>/", views.actor_detail, name="actor"),
    path("<int:pk>/modifier/", views.actor_edit, name="actor_edit"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:pk>/publier/", views.actor_approve, name="actor_approve"),
    path("<int:pk>/refuser/", views.actor_reject, name="actor_reject"),
    path("moderation/modifications/<int:pk>/accepter/", views.change_approve, name="change_approve"),
    path("moderation/modifications/<int:pk>/refuser/", views.change_reject, name="change_reject"),
]
