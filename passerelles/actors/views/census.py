"""Census campaigns (actions P5.1 and P5.2): thin views over `selectors.census` and `services.census`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.actors.forms.census import (
    CampaignFilterForm,
    CampaignForm,
    KnownActorForm,
    KnownActorSearchForm,
    MeetingForm,
    NewActorForm,
)
from passerelles.actors.selectors import census as selectors
from passerelles.actors.services import census as services
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


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


def _can_edit(request) -> bool:
    return permissions.can_edit_census(request.user, request.organisation)


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# -- campaigns -------------------------------------------------------------------------------------


def _campaigns(request):
    form = CampaignFilterForm(request.GET or None)
    status = form.cleaned_data.get("status") if form.is_valid() else None
    return form, selectors.campaign_list(organisation=request.organisation, status=status or None)


@require_GET
@require(permissions.can_view_census)
def campaigns(request):
    form, campaigns = _campaigns(request)
    context = {
        "filter_form": form,
        "page": paginate(request, campaigns),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
        "can_edit": _can_edit(request),
    }
    template = "actors/census/includes/_campaign_results.html" if request.htmx else "actors/census/campaigns.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_view_census)
def campaigns_export(request):
    fmt = export_format(request)
    _form, campaigns = _campaigns(request)
    return table_response(
        fmt=fmt,
        filename=f"recensement-{request.organisation.slug}",
        header=selectors.campaigns_header(),
        rows=selectors.campaigns_rows(campaigns),
        title=_("Campagnes de recensement"),
        delimiter=export_delimiter(request),
    )


def _campaign_form(request, campaign=None):
    form = CampaignForm(request.POST or None, instance=campaign, organisation=request.organisation)
    context = {"form": form, "campaign": campaign}
    if request.method != "POST":
        return render(request, "actors/census/campaign_form.html", context)
    if form.is_valid():
        try:
            if campaign is None:
                saved = services.campaign_create(
                    organisation=request.organisation, user=request.user, **form.cleaned_data
                )
            else:
                saved = services.campaign_update(campaign=campaign, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Campagne enregistrée."))
            return redirect(_org_url(request, "actors:census_campaign", saved.pk))
    return render(request, "actors/census/campaign_form.html", context, status=422)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_census)
@idempotent
def campaign_create(request):
    return _campaign_form(request)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_census)
def campaign_edit(request, pk):
    return _campaign_form(request, selectors.get_campaign_or_404(request.organisation, pk))


@require_GET
@require(permissions.can_view_census)
def campaign_detail(request, pk):
    campaign = selectors.get_campaign_or_404(request.organisation, pk)
    context = {
        "campaign": campaign,
        "progress": selectors.campaign_progress(campaign=campaign),
        "page": paginate(request, selectors.campaign_meetings(campaign=campaign)),
        "querystring": querystring_without(request, "page"),
        "export_querystring": "",
        "can_edit": _can_edit(request) and not campaign.is_closed,
        "can_reopen": _can_edit(request) and campaign.is_closed,
    }
    return render(request, "actors/census/campaign_detail.html", context)


@require_GET
@require(permissions.can_view_census)
def findings_export(request, pk):
    campaign = selectors.get_campaign_or_404(request.organisation, pk)
    fmt = export_format(request)
    return table_response(
        fmt=fmt,
        filename=f"recensement-{campaign.pk}-acteurs",
        header=selectors.findings_header(),
        rows=selectors.findings_rows(selectors.campaign_findings(campaign=campaign)),
        title=_("Acteurs recensés"),
        delimiter=export_delimiter(request),
    )


def _campaign_action(request, pk, service, success):
    campaign = selectors.get_campaign_or_404(request.organisation, pk)
    try:
        result = service(campaign=campaign, user=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, success(result))
    return redirect(_org_url(request, "actors:census_campaign", campaign.pk))


@require_POST
@require(permissions.can_edit_census)
def campaign_close(request, pk):
    return _campaign_action(
        request, pk, services.campaign_close, lambda c: _("Campagne close : elle est désormais en lecture seule.")
    )


@require_POST
@require(permissions.can_edit_census)
def campaign_reopen(request, pk):
    return _campaign_action(request, pk, services.campaign_reopen, lambda c: _("Campagne rouverte."))


def _added(count: int) -> str:
    if not count:
        return _("Aucune réunion ajoutée : chacune a déjà la sienne.")
    return ngettext("%(count)d réunion ajoutée.", "%(count)d réunions ajoutées.", count) % {"count": count}


@require_POST
@require(permissions.can_edit_census)
def add_home_communes(request, pk):
    return _campaign_action(request, pk, services.meetings_add_home_communes, _added)


@require_POST
@require(permissions.can_edit_census)
def add_directorates(request, pk):
    return _campaign_action(request, pk, services.meetings_add_directorates, _added)


# -- meetings --------------------------------------------------------------------------------------


def _meeting_form(request, *, campaign, meeting=None):
    form = MeetingForm(request.POST or None, instance=meeting, organisation=request.organisation)
    context = {"form": form, "campaign": campaign, "meeting": meeting}
    if request.method != "POST":
        return render(request, "actors/census/meeting_form.html", context)
    if form.is_valid():
        try:
            if meeting is None:
                saved = services.meeting_create(campaign=campaign, user=request.user, **form.service_kwargs())
            else:
                saved = services.meeting_update(meeting=meeting, user=request.user, **form.service_kwargs())
        except ValidationError as error:
            if hasattr(error, "error_dict") and "commune" in error.error_dict:
                error = ValidationError({"home_commune": error.error_dict.pop("commune"), **error.error_dict})
            apply_errors(form, error)
        else:
            messages.success(request, _("Réunion enregistrée."))
            return redirect(_org_url(request, "actors:census_meeting", saved.pk))
    return render(request, "actors/census/meeting_form.html", context, status=422)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_census)
@idempotent
def meeting_create(request, pk):
    return _meeting_form(request, campaign=selectors.get_campaign_or_404(request.organisation, pk))


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_census)
def meeting_edit(request, pk):
    meeting = selectors.get_meeting_or_404(request.organisation, pk)
    return _meeting_form(request, campaign=meeting.campaign, meeting=meeting)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_census)
def meeting_delete(request, pk):
    meeting = selectors.get_meeting_or_404(request.organisation, pk)
    if request.method == "POST":
        try:
            services.meeting_delete(meeting=meeting, user=request.user)
        except ValidationError as error:
            _refused(request, error)
            return redirect(_org_url(request, "actors:census_meeting", meeting.pk))
        messages.success(request, _("Réunion supprimée ; les fiches des acteurs restent dans l'annuaire."))
        return redirect(_org_url(request, "actors:census_campaign", meeting.campaign_id))
    return render(request, "actors/census/meeting_delete.html", {"meeting": meeting, "campaign": meeting.campaign})


def _meeting_page(request, meeting, *, known_form=None, new_form=None, status=200):
    search = KnownActorSearchForm(request.GET or None)
    text = search.cleaned_data.get("q", "") if search.is_valid() else ""
    can_edit = _can_edit(request) and not meeting.campaign.is_closed
    context = {
        "meeting": meeting,
        "campaign": meeting.campaign,
        "page": paginate(request, selectors.meeting_findings(meeting=meeting)),
        "querystring": querystring_without(request, "page"),
        "can_edit": can_edit,
        "search_form": search,
        "search_text": text,
        "candidates": selectors.known_actor_candidates(meeting=meeting, text=text) if can_edit else [],
        "known_form": known_form,
        "new_form": new_form or NewActorForm(),
    }
    return render(request, "actors/census/meeting_detail.html", context, status=status)


@require_GET
@require(permissions.can_view_census)
def meeting_detail(request, pk):
    return _meeting_page(request, selectors.get_meeting_or_404(request.organisation, pk))


@require_POST
@require(permissions.can_edit_census)
@idempotent
def finding_add_known(request, pk):
    meeting = selectors.get_meeting_or_404(request.organisation, pk)
    form = KnownActorForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            services.finding_add_known(meeting=meeting, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            actor = form.cleaned_data["actor"]
            messages.success(request, _("« %(name)s » est noté comme acteur déjà connu.") % {"name": actor.name})
            return redirect(_org_url(request, "actors:census_meeting", meeting.pk))
    return _meeting_page(request, meeting, known_form=form, status=422)


@require_POST
@require(permissions.can_edit_census)
@idempotent
def finding_add_new(request, pk):
    """Before creating, the likely duplicates are shown: link one of them, or create the new entry anyway."""
    meeting = selectors.get_meeting_or_404(request.organisation, pk)
    form = NewActorForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") != "1":
            duplicates = selectors.likely_duplicates(
                organisation=request.organisation, name=data["name"], commune=meeting.commune, siret=data["siret"]
            )
            if duplicates:
                context = {"meeting": meeting, "campaign": meeting.campaign, "form": form, "duplicates": duplicates}
                return render(request, "actors/census/new_actor_check.html", context)
        try:
            finding = services.finding_add_new(meeting=meeting, user=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("« %(name)s » est créé dans l'annuaire (non public) et noté comme nouvel acteur.")
                % {"name": finding.actor.name},
            )
            return redirect(_org_url(request, "actors:census_meeting", meeting.pk))
    return _meeting_page(request, meeting, new_form=form, status=422)


@require_POST
@require(permissions.can_edit_census)
def finding_remove(request, pk):
    finding = selectors.get_finding_or_404(request.organisation, pk)
    try:
        services.finding_remove(finding=finding, user=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("« %(name)s » n'est plus noté pour cette réunion.") % {"name": finding.actor.name})
    return redirect(_org_url(request, "actors:census_meeting", finding.meeting_id))
