"""The back office of the actors app, mounted at `<org>/acteurs/` (namespace `actors`). One module per area."""

from django.urls import include, path

app_name = "actors"

urlpatterns = [
    path("", include("passerelles.actors.urls.directory")),
    path("import/", include("passerelles.actors.urls.imports")),
    path("", include("passerelles.actors.urls.matrix")),
    path("", include("passerelles.actors.urls.accounts")),
    path("recensement/", include("passerelles.actors.urls.census")),
    path("reseaux/", include("passerelles.actors.urls.networks")),
    path("veille/", include("passerelles.actors.urls.watch")),
]
