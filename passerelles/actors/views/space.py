"""The space of an actor's account: its own entries (across organisations) and its personal data. No membership."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.actors.enums import ModerationStatus
from passerelles.actors.forms.accounts import EraseForm, OwnActorForm
from passerelles.actors.selectors import accounts as accounts_selectors
from passerelles.actors.selectors import changes as changes_selectors
from passerelles.actors.services import accounts as accounts_services
from passerelles.core import permissions
from passerelles.core.views_helpers import apply_errors


@require_GET
def home(request):
    actors = list(accounts_selectors.own_actors(user=request.user))
    pending = changes_selectors.actors_with_pending_change(a.pk for a in actors)
    entries = [(actor, permissions.can_edit_own_actor(request.user, actor), actor.pk in pending) for actor in actors]
    return render(request, "actors/space/home.html", {"entries": entries, "approved": ModerationStatus.APPROVED})


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    actor = accounts_selectors.get_own_actor_or_404(request.user, pk)
    if not permissions.can_edit_own_actor(request.user, actor):
        raise PermissionDenied
    # A pending change is edited, never stacked: the form starts from the proposed values.
    change = changes_selectors.pending_change(actor)
    form = OwnActorForm(request.POST or None, instance=actor, initial=change.proposed if change else None)
    context = {
        "form": form,
        "actor": actor,
        "change": change,
        "refusal": None if change else changes_selectors.last_refusal(actor),
        "moderated": actor.moderation_status == ModerationStatus.APPROVED,
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                accounts_services.own_actor_update(actor=actor, user=request.user, **form.service_kwargs())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if changes_selectors.pending_change(actor) is not None:
                    messages.success(
                        request,
                        _(
                            "Votre modification est envoyée à la collectivité : la fiche publiée reste inchangée "
                            "jusqu'à sa validation. Le contact est enregistré."
                        ),
                    )
                else:
                    messages.success(request, _("Votre fiche est enregistrée."))
                return redirect("actor_space:home")
        return render(request, "actors/space/edit.html", context, status=422)
    return render(request, "actors/space/edit.html", context)


@require_GET
def data(request):
    actors = list(accounts_selectors.own_actors(user=request.user))
    return render(request, "actors/space/data.html", {"actors": actors})


@require_POST
def data_export(request):
    payload = accounts_services.personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-passerelles-{stamp}.json"'
    return response


@require_http_methods(["GET", "POST"])
def erase(request):
    form = EraseForm(request.POST or None)
    actors = list(accounts_selectors.own_actors(user=request.user))
    if request.method == "POST":
        if form.is_valid():
            try:
                accounts_services.personal_data_erase(
                    user=request.user,
                    password=form.cleaned_data["password"],
                    unpublish=form.cleaned_data["unpublish"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                logout(request)
                return redirect("actor_space:erased")
        return render(request, "actors/space/erase.html", {"form": form, "actors": actors}, status=422)
    return render(request, "actors/space/erase.html", {"form": form, "actors": actors})


@login_not_required
@require_GET
def erased(request):
    return render(request, "actors/space/erased.html")
