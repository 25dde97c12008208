"""Back office of the actors' accounts: invite or remove an entry's account, the register of data requests."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from passerelles.actors.forms.accounts import AccountInviteForm, DataRequestFilterForm
from passerelles.actors.selectors import accounts as accounts_selectors
from passerelles.actors.selectors.common import get_actor_or_404
from passerelles.actors.services import accounts as accounts_services
from passerelles.core import permissions
from passerelles.core.exports import table_response
from passerelles.core.idempotency import idempotent
from passerelles.core.views_helpers import (
    apply_errors,
    export_delimiter,
    export_format,
    paginate,
    querystring_without,
    require,
)


def _actor_url(request, actor) -> str:
    return reverse("actors:actor", args=[request.organisation.slug, actor.pk])


@require_POST
@require(permissions.can_invite_actor_account)
@idempotent
def actor_account_invite(request, pk):
    actor = get_actor_or_404(request.organisation, pk)
    form = AccountInviteForm(request.POST)
    if form.is_valid():
        try:
            accounts_services.actor_account_invite(
                actor=actor, email=form.cleaned_data["email"], by=request.user, base_url=request.build_absolute_uri("/")
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Un lien pour choisir un mot de passe a été envoyé à %(email)s.") % form.cleaned_data
            )
            return redirect(_actor_url(request, actor))
    return render(request, "actors/accounts/invite.html", {"actor": actor, "form": form}, status=422)


@require_POST
@require(permissions.can_invite_actor_account)
def actor_account_revoke(request, pk):
    actor = get_actor_or_404(request.organisation, pk)
    try:
        accounts_services.actor_account_revoke(actor=actor, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Le compte n'est plus relié à la fiche « %(name)s ».") % {"name": actor.name})
    return redirect(_actor_url(request, actor))


# -- the register of personal-data requests ------------------------------------------------------------------


def _filtered(request):
    form = DataRequestFilterForm(request.GET or None)
    kind = form.cleaned_data.get("kind") if form.is_valid() else None
    return form, accounts_selectors.data_requests(organisation=request.organisation, kind=kind or None)


@require_GET
@require(permissions.can_manage_data_requests)
def data_requests(request):
    form, requests = _filtered(request)
    context = {
        "filter_form": form,
        "page": paginate(request, requests),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    template = "actors/accounts/includes/_data_requests.html" if request.htmx else "actors/accounts/data_requests.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_manage_data_requests)
def data_requests_export(request):
    fmt = export_format(request)
    _form, requests = _filtered(request)
    return table_response(
        fmt=fmt,
        filename=f"donnees-personnelles-{request.organisation.slug}",
        header=accounts_selectors.data_requests_header(),
        rows=accounts_selectors.data_requests_rows(requests),
        title=_("Demandes sur des données personnelles"),
        delimiter=export_delimiter(request),
    )
