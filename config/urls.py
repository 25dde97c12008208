from django.conf import settings
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("public/<slug:public_slug>/acteurs/", include("passerelles.actors.public_urls")),
    path("public/<slug:public_slug>/appels/", include("passerelles.calls.public_urls")),
    path("public/veille/", include("passerelles.actors.watch_public_urls")),
    path("comptes/acteur/candidatures/", include("passerelles.calls.applicant_urls")),
    path("comptes/acteur/", include("passerelles.actors.space_urls")),
    path("", include("passerelles.core.urls")),
    path("<slug:org_slug>/strategie/", include("passerelles.strategy.urls")),
    path("<slug:org_slug>/pilotage/", include("passerelles.steering.urls")),
    path("<slug:org_slug>/acteurs/", include("passerelles.actors.urls")),
    path("<slug:org_slug>/appels/", include("passerelles.calls.urls")),
]

if settings.DEBUG:
    urlpatterns.insert(0, path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))

handler404 = "passerelles.core.views.error_404"
handler403 = "passerelles.core.views.error_403"
handler500 = "passerelles.core.views.error_500"
