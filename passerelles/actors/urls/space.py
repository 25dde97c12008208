"""The space of an actor's account, mounted at `comptes/acteur/` (namespace `actor_space`): no membership, only its
own entries. Its audience holds this one area."""

from django.urls import path

from passerelles.actors.views import space as views

app_name = "actor_space"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("mes-donnees/", views.data, name="data"),
    path("mes-donnees/export.json", views.data_export, name="data_export"),
    path("mes-donnees/effacer/", views.erase, name="erase"),
    path("mes-donnees/efface/", views.erased, name="erased"),
]
