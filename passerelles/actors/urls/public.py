"""Public pages of the actors, mounted at `public/<slug:public_slug>/acteurs/`: no login, no organisation slug."""

from django.urls import path

from passerelles.actors import public_views as views

app_name = "public_actors"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("export/", views.export, name="export"),
    path("carte/", views.map_view, name="map"),
    path("carte/integration/", views.embed, name="embed"),
    path("carte/acteurs.geojson", views.geojson, name="geojson"),
    path("inscription/", views.register, name="register"),
    path("inscription/merci/", views.thanks, name="thanks"),
]
