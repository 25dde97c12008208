"""Public pages of the territory actors: directory, map, embeddable map and self-registration.

No login. Each view resolves the organisation from `public_slug` and shows only approved and public entries,
never a contact field.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods

from passerelles.actors.forms.public import PublicFilterForm, RegistrationForm
from passerelles.actors.services import public as services
from passerelles.core.exports import table_response
from passerelles.core.idempotency import idempotent
from passerelles.core.models import Organisation
from passerelles.core.views_helpers import (
    apply_errors,
    export_delimiter,
    export_format,
    paginate,
    querystring_without,
    safe_next,
)

EMBED_FILTERS = ("kind", "theme")


def _organisation(public_slug) -> Organisation:
    return get_object_or_404(Organisation, slug=public_slug)


def _filters(request, organisation, *, only=None) -> PublicFilterForm:
    communes = services.public_communes(organisation=organisation) if only is None or "commune" in only else ()
    return PublicFilterForm(request.GET or None, communes=communes, only=only)


def _client_ip(request) -> str:
    # REMOTE_ADDR only: a forwarded header can be forged by the client. Behind a proxy, the proxy sets REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR", "")


def _map_context(organisation, geojson_query: str) -> dict:
    return {
        "public_organisation": organisation,
        "geojson_url": reverse("public_actors:geojson", args=[organisation.slug])
        + (f"?{geojson_query}" if geojson_query else ""),
        "tile_url": getattr(settings, "MAP_TILE_URL", ""),
        "tile_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
    }


@login_not_required
@require_GET
def directory(request, public_slug):
    organisation = _organisation(public_slug)
    form = _filters(request, organisation)
    actors = services.public_directory(organisation=organisation, **form.selector_kwargs())
    context = {
        "public_organisation": organisation,
        "filter_form": form,
        "page": paginate(request, actors),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    template = "actors/public/includes/_directory_results.html" if request.htmx else "actors/public/directory.html"
    return render(request, template, context)


@login_not_required
@require_GET
def export(request, public_slug):
    organisation = _organisation(public_slug)
    fmt = export_format(request)
    form = _filters(request, organisation)
    actors = services.public_directory(organisation=organisation, **form.selector_kwargs())
    return table_response(
        fmt=fmt,
        filename=f"acteurs-{organisation.slug}",
        header=services.export_header(),
        rows=services.export_rows(actors),
        title=_("Acteurs du territoire"),
        delimiter=export_delimiter(request),
    )


@login_not_required
@require_GET
def geojson(request, public_slug):
    organisation = _organisation(public_slug)
    form = _filters(request, organisation, only=("q", "kind", "commune", "theme", "country"))
    data = services.public_geojson(organisation=organisation, **form.selector_kwargs())
    response = JsonResponse(data, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=300)
    return response


@login_not_required
@require_GET
def map_view(request, public_slug):
    organisation = _organisation(public_slug)
    if request.htmx:
        # The map is drawn by its script at page load: a filter change reloads the whole page.
        return HttpResponse(headers={"HX-Redirect": request.get_full_path()})
    form = _filters(request, organisation)
    actors = services.public_directory(organisation=organisation, **form.selector_kwargs())
    context = _map_context(organisation, querystring_without(request, "page"))
    context.update(
        {
            "filter_form": form,
            "page": paginate(request, actors),
            "querystring": querystring_without(request, "page"),
        }
    )
    return render(request, "actors/public/map.html", context)


@login_not_required
@xframe_options_exempt
@require_GET
def embed(request, public_slug):
    organisation = _organisation(public_slug)
    form = _filters(request, organisation, only=EMBED_FILTERS)
    actors = services.public_directory(organisation=organisation, **form.selector_kwargs())
    context = _map_context(organisation, querystring_without(request, "page"))
    context.update({"page": paginate(request, actors), "querystring": querystring_without(request, "page")})
    return render(request, "actors/public/embed.html", context)


def _thanks_url(organisation, next_url: str) -> str:
    url = reverse("public_actors:thanks", args=[organisation.slug])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@login_not_required
@require_http_methods(["GET", "POST"])
@idempotent
def register(request, public_slug):
    organisation = _organisation(public_slug)
    # Coming from a call for projects: the account is then required, and its invitation leads back to the call.
    next_url = safe_next(request, request.POST.get("next") if request.method == "POST" else request.GET.get("next"))
    form = RegistrationForm(request.POST or None, account_required=bool(next_url))
    context = {"public_organisation": organisation, "form": form, "next_url": next_url}
    if request.method != "POST":
        return render(request, "actors/public/register.html", context)
    ip = _client_ip(request)
    if not services.registration_allowed(ip=ip):
        context["rate_limited"] = True
        return render(request, "actors/public/register.html", context, status=429)
    thanks_url = _thanks_url(organisation, next_url)
    if form.honeypot_filled:
        # Answer as if it worked: a robot learns nothing. Nothing is saved.
        services.note_registration_attempt(ip=ip)
        return redirect(thanks_url)
    if form.is_valid():
        try:
            services.register_actor(organisation=organisation, account_request_next=next_url, **form.service_kwargs())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            services.note_registration_attempt(ip=ip)
            return redirect(thanks_url)
    return render(request, "actors/public/register.html", context, status=422)


@login_not_required
@require_GET
def thanks(request, public_slug):
    organisation = _organisation(public_slug)
    context = {"public_organisation": organisation, "next_url": safe_next(request, request.GET.get("next"))}
    return render(request, "actors/public/thanks.html", context)
