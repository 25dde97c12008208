import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from passerelles.core.models import Organisation
from passerelles.core.permissions import get_membership


class OrganisationMiddleware:
    """Resolves `/<org_slug>/…` into `request.organisation` and `request.membership`.

    Anyone who is not an active member gets 404: the existence of a space is not disclosed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = None
        request.membership = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.pop("org_slug", None)
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect(f"/comptes/connexion/?next={request.path}")
        organisation = Organisation.objects.filter(slug=slug).first()
        membership = get_membership(request.user, organisation)
        if membership is None:
            raise Http404
        request.organisation = organisation
        request.membership = membership
        if request.session.get("last_organisation") != organisation.slug:
            request.session["last_organisation"] = organisation.slug
        return None


class LanguageMiddleware:
    """French unless the person chose another language with the switcher (cookie).

    The browser's Accept-Language is ignored on purpose: the platform speaks French to a French public body,
    and a half-translated page announced as English would mislead screen readers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# -- security headers and the idle session --------------------------------------------------------------------------

# No inline script, no inline style, nothing from elsewhere: the pages only load the platform's own static files.
# Leaflet sets element.style from its script (CSSOM), which style-src does not govern.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Browser features the platform never uses, switched off for the page and anything it would embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
)


def content_security_policy(*, embeddable: bool = False) -> str:
    policy = dict(CONTENT_SECURITY_POLICY)
    if settings.MAP_TILE_URL:
        # An online tile layer serves images from its host; "{s}" (a subdomain letter) becomes a wildcard.
        parts = urlsplit(settings.MAP_TILE_URL)
        policy["img-src"] += f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    if embeddable:
        # A view marked @xframe_options_exempt (the public actor map) may be shown in another site's iframe.
        policy["frame-ancestors"] = "*"
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def _public_path(path: str) -> bool:
    return path.startswith(("/public/", settings.STATIC_URL, settings.MEDIA_URL))


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy, and `Cache-Control: no-store` on what must not be kept.

    Back-office pages (`/<org>/…`, `/comptes/…`) and every download (exports, files) are never stored by the browser
    or a shared cache: a shared computer's back button or a proxy would show them to the next person. Public pages
    (`/public/…`) and static files keep their ordinary caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        embeddable = getattr(response, "xframe_options_exempt", False)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(embeddable=embeddable))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        attachment = response.headers.get("Content-Disposition", "").startswith("attachment")
        if attachment or not _public_path(request.path):
            add_never_cache_headers(response)
        return response


def start_activity_clock(sender, request, user, **kwargs):
    """At login, the idle clock starts: the first pages after it need no session write."""
    if request is not None and hasattr(request, "session"):
        request.session["last_activity"] = int(time.time())


class IdleSessionMiddleware:
    """Log out a signed-in person idle for longer than `SESSION_IDLE_TIMEOUT` seconds.

    The time of the last activity is written to the session at most once a minute, not on every request. The person
    lands on the login page (the login requirement does the redirect, with `next`) with a message saying why.
    """

    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = getattr(settings, "SESSION_IDLE_TIMEOUT", 0)
        if timeout and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_activity")
            if isinstance(last, int) and now - last > timeout:
                logout(request)
                message = _("Votre session a expiré après une période d'inactivité : reconnectez-vous.")
                messages.warning(request, message)
                if request.headers.get("HX-Request"):
                    # An htmx request would swap the login page into a fragment: send the whole page there.
                    response = HttpResponse(status=204)
                    current = urlsplit(request.headers.get("HX-Current-URL", "")).path or "/"
                    response["HX-Redirect"] = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': current})}"
                    return response
            elif not isinstance(last, int) or abs(now - last) >= self.WRITE_EVERY:
                request.session["last_activity"] = now
        return self.get_response(request)
