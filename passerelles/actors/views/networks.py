"""Networks (action P3.7): the ranking for the technical committee, each network, its scores and the criteria."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from passerelles.actors.forms.networks import (
    CriteriaFilterForm,
    CriterionForm,
    NetworkFilterForm,
    NetworkForm,
    ScoresForm,
)
from passerelles.actors.selectors import networks as selectors
from passerelles.actors.services import networks as services
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


# -- the ranking ----------------------------------------------------------------------------------


def _ranking(request):
    form = NetworkFilterForm(request.GET or None)
    return form, selectors.ranking(organisation=request.organisation, **form.selector_kwargs())


@require_GET
@require(permissions.can_view_networks)
def networks(request):
    form, ranked = _ranking(request)
    context = {
        "filter_form": form,
        "page": paginate(request, ranked),
        "totals": selectors.ranking_totals(ranked),
        "criteria_count": selectors.criteria_count(organisation=request.organisation),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
        "can_edit": permissions.can_edit_networks(request.user, request.organisation),
    }
    template = "actors/networks/includes/_ranking.html" if request.htmx else "actors/networks/ranking.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_view_networks)
def networks_export(request):
    fmt = export_format(request)
    _form, ranked = _ranking(request)
    criteria = list(selectors.criteria(organisation=request.organisation))
    return table_response(
        fmt=fmt,
        filename=f"reseaux-{request.organisation.slug}",
        header=selectors.ranking_header(criteria),
        rows=selectors.ranking_rows(
            ranked, criteria_rows=criteria, scores=selectors.scores_by_network(organisation=request.organisation)
        ),
        title=_("Priorisation des réseaux"),
        delimiter=export_delimiter(request),
    )


# -- one network ----------------------------------------------------------------------------------


@require_GET
@require(permissions.can_view_networks)
def network_detail(request, pk):
    context = selectors.network_detail(organisation=request.organisation, pk=pk)
    context["can_edit"] = permissions.can_edit_networks(request.user, request.organisation)
    return render(request, "actors/networks/network_detail.html", context)


def _network_form(request, network=None):
    form = NetworkForm(request.POST or None, instance=network, organisation=request.organisation)
    context = {"form": form, "network": network}
    if request.method != "POST":
        return render(request, "actors/networks/network_form.html", context)
    if form.is_valid():
        try:
            if network is None:
                saved = services.network_create(organisation=request.organisation, by=request.user, **form.cleaned_data)
            else:
                saved = services.network_update(network=network, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Réseau enregistré."))
            return redirect(_org_url(request, "actors:network", saved.pk))
    return render(request, "actors/networks/network_form.html", context, status=422)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_networks)
@idempotent
def network_create(request):
    return _network_form(request)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_networks)
def network_edit(request, pk):
    return _network_form(request, selectors.get_network_or_404(request.organisation, pk))


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_networks)
def network_delete(request, pk):
    network = selectors.get_network_or_404(request.organisation, pk)
    if request.method == "POST":
        name = network.name
        services.network_delete(network=network, by=request.user)
        messages.success(request, _("Le réseau « %(name)s » a été supprimé.") % {"name": name})
        return redirect(_org_url(request, "actors:networks"))
    count = network.scores.count()
    context = {
        "title": _("Supprimer le réseau « %(name)s » ?") % {"name": network.name},
        "consequence": ngettext(
            "%(count)s note de priorisation sera supprimée ; ses informations de veille sont conservées.",
            "%(count)s notes de priorisation seront supprimées ; ses informations de veille sont conservées.",
            count,
        )
        % {"count": count},
        "cancel_url": _org_url(request, "actors:network", network.pk),
    }
    return render(request, "actors/networks/confirm_delete.html", context)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_networks)
def network_scores(request, pk):
    network = selectors.get_network_or_404(request.organisation, pk)
    criteria = list(selectors.criteria(organisation=request.organisation))
    form = ScoresForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        scores=selectors.scores_of(network=network),
    )
    context = {"form": form, "network": network}
    if request.method != "POST":
        return render(request, "actors/networks/network_scores.html", context)
    if form.is_valid():
        try:
            services.network_score_set(network=network, scores=form.scores(), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Notes enregistrées."))
            return redirect(_org_url(request, "actors:network", network.pk))
    return render(request, "actors/networks/network_scores.html", context, status=422)


# -- the criteria of the grid ---------------------------------------------------------------------


def _criteria(request):
    form = CriteriaFilterForm(request.GET or None)
    text = form.cleaned_data.get("q", "") if form.is_valid() else ""
    rows, total = selectors.criteria_with_share(organisation=request.organisation, text=text)
    return form, rows, total


@require_GET
@require(permissions.can_view_networks)
def network_criteria(request):
    form, rows, total = _criteria(request)
    context = {
        "filter_form": form,
        "page": paginate(request, rows),
        "total_weight": total,
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
        "can_edit": permissions.can_edit_networks(request.user, request.organisation),
    }
    template = "actors/networks/includes/_criteria.html" if request.htmx else "actors/networks/criteria.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_view_networks)
def network_criteria_export(request):
    fmt = export_format(request)
    _form, rows, _total = _criteria(request)
    return table_response(
        fmt=fmt,
        filename=f"criteres-reseaux-{request.organisation.slug}",
        header=selectors.criteria_header(),
        rows=selectors.criteria_rows(rows),
        title=_("Critères de priorisation"),
        delimiter=export_delimiter(request),
    )


def _criterion_form(request, criterion=None):
    form = CriterionForm(request.POST or None, instance=criterion)
    context = {"form": form, "criterion": criterion}
    if request.method != "POST":
        return render(request, "actors/networks/criterion_form.html", context)
    if form.is_valid():
        try:
            if criterion is None:
                services.criterion_create(organisation=request.organisation, by=request.user, **form.cleaned_data)
            else:
                services.criterion_update(criterion=criterion, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Critère enregistré."))
            return redirect(_org_url(request, "actors:network_criteria"))
    return render(request, "actors/networks/criterion_form.html", context, status=422)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_networks)
@idempotent
def network_criterion_create(request):
    return _criterion_form(request)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_networks)
def network_criterion_edit(request, pk):
    return _criterion_form(request, selectors.get_criterion_or_404(request.organisation, pk))


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_networks)
def network_criterion_delete(request, pk):
    criterion = selectors.get_criterion_or_404(request.organisation, pk)
    if request.method == "POST":
        label = criterion.label
        removed = services.criterion_delete(criterion=criterion, by=request.user)
        messages.success(
            request,
            ngettext(
                "Le critère « %(label)s » a été supprimé, avec %(count)s note.",
                "Le critère « %(label)s » a été supprimé, avec %(count)s notes.",
                removed,
            )
            % {"label": label, "count": removed},
        )
        return redirect(_org_url(request, "actors:network_criteria"))
    count = criterion.scores.count()
    context = {
        "title": _("Supprimer le critère « %(label)s » ?") % {"label": criterion.label},
        "consequence": ngettext(
            "%(count)s note donnée sur ce critère sera supprimée, et le classement recalculé.",
            "%(count)s notes données sur ce critère seront supprimées, et le classement recalculé.",
            count,
        )
        % {"count": count},
        "cancel_url": _org_url(request, "actors:network_criteria"),
    }
    return render(request, "actors/networks/confirm_delete.html", context)
