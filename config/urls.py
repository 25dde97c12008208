from django.conf import settings
from django.urls import include, path

from passerelles.core.files import public_logo

urlpatterns = [
    path("public/", include("passerelles.actors.urls.public")),
    path("public/<slug:public_slug>/appels/", include("passerelles.calls.urls.public")),
    path("comptes/acteur/candidatures/", include("passerelles.calls.urls.applicant")),
    path("comptes/acteur/", include("passerelles.actors.urls.space")),
    path("", include("passerelles.core.urls")),
    path("<slug:org_slug>/strategie/", include("passerelles.strategy.urls")),
    path("<slug:org_slug>/pilotage/", include("passerelles.steering.urls.backoffice")),
    path("<slug:org_slug>/acteurs/", include("passerelles.actors.urls.backoffice")),
    path("<slug:org_slug>/appels/", include("passerelles.calls.urls.backoffice")),
]

# Public files only (the logos), in every settings, without login; in production the web server answers this
# address first (docs/deployment.md). Private files are never under MEDIA_ROOT and have no URL: `/media/…` of
# anything else is a 404, DEBUG or not.
urlpatterns.insert(0, path(f"{settings.MEDIA_URL.strip('/')}/logos/<path:path>", public_logo, name="public_logo"))

handler404 = "passerelles.core.views.error_404"
handler403 = "passerelles.core.views.error_403"
handler500 = "passerelles.core.views.error_500"
