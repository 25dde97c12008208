"""The public pages of the actors app, mounted at `public/`: no login, no organisation slug.

- `<slug:public_slug>/acteurs/` (namespace `public_actors`): an organisation's public directory, map, embed and
  self-registration (the `public` area);
- `veille/` (namespace `watch_public`): the one-click unsubscribe from the watch digest (the `watch` area).
"""

from django.urls import include, path

from passerelles.actors.urls import watch
from passerelles.actors.views import public as views

public_urlpatterns = [
    path("", views.directory, name="directory"),
    path("export/", views.export, name="export"),
    path("carte/", views.map_view, name="map"),
    path("carte/integration/", views.embed, name="embed"),
    path("carte/acteurs.geojson", views.geojson, name="geojson"),
    path("inscription/", views.register, name="register"),
    path("inscription/merci/", views.thanks, name="thanks"),
]

urlpatterns = [
    path("<slug:public_slug>/acteurs/", include((public_urlpatterns, "public_actors"))),
    path("veille/", include((watch.public_urlpatterns, "watch_public"))),
]
