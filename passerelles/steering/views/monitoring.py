"""Monitoring missions, evaluations, their follow-ups, and lessons learned."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.core import permissions
from passerelles.core.exports import table_response
from passerelles.core.files import serve_private_file
from passerelles.core.idempotency import idempotent
from passerelles.core.views_helpers import (
    apply_errors,
    export_delimiter,
    export_format,
    form_status,
    paginate,
    querystring_without,
    require,
    save_form,
)
from passerelles.steering.enums import MISSIONS_PER_YEAR_TARGET, FollowUpStatus
from passerelles.steering.forms.monitoring import (
    EvaluationFilterForm,
    EvaluationForm,
    FollowUpForm,
    FollowUpStatusForm,
    LessonFilterForm,
    LessonForm,
    MissionFilterForm,
    MissionForm,
    delegate_formset,
)
from passerelles.steering.selectors import monitoring as selectors
from passerelles.steering.services import monitoring as services


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


def _list_context(request, form, queryset, **extra) -> dict:
    return {
        "filter_form": form,
        "page": paginate(request, queryset),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
        **extra,
    }


def _export(request, *, filename, header, rows, title):
    fmt = export_format(request)
    return table_response(
        fmt=fmt,
        filename=f"{filename}-{request.organisation.slug}",
        header=header,
        rows=rows,
        title=title,
        delimiter=export_delimiter(request),
    )


# -- missions ---------------------------------------------------------------------------------------


def _filtered_missions(request):
    years = selectors.mission_years(organisation=request.organisation)
    form = MissionFilterForm(request.GET or None, organisation=request.organisation, years=years)
    return form, selectors.mission_list(organisation=request.organisation, **form.selector_kwargs())


@require_GET
@require(permissions.can_view_steering)
def missions(request):
    form, queryset = _filtered_missions(request)
    context = _list_context(
        request,
        form,
        queryset,
        by_year=selectors.missions_by_year(organisation=request.organisation),
        target=MISSIONS_PER_YEAR_TARGET,
    )
    template = (
        "steering/monitoring/includes/_mission_results.html" if request.htmx else "steering/monitoring/missions.html"
    )
    return render(request, template, context)


@require_GET
@require(permissions.can_view_steering)
def missions_export(request):
    _form, queryset = _filtered_missions(request)
    return _export(
        request,
        filename="missions",
        header=selectors.mission_header(),
        rows=selectors.mission_rows(queryset),
        title=_("Missions de suivi"),
    )


def _mission_form(request, mission=None):
    org = request.organisation
    form = MissionForm(request.POST or None, instance=mission, organisation=org, user=request.user)
    delegates = delegate_formset(request.POST or None, organisation=org, mission=mission)
    if request.method == "POST":
        form_ok, delegates_ok = form.is_valid(), delegates.is_valid()
        if form_ok and delegates_ok:
            kwargs = {
                "user": request.user,
                "projects": form.cleaned_data["projects"],
                "delegates": delegates.rows(),
                **form.service_fields(),
            }
            try:
                if mission is None:
                    mission = services.mission_create(organisation=org, **kwargs)
                else:
                    mission = services.mission_update(mission=mission, **kwargs)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Mission enregistrée."))
                return redirect(_org_url(request, "steering:mission", mission.pk))
    context = {"form": form, "delegates": delegates, "mission": mission}
    return render(request, "steering/monitoring/mission_form.html", context, status=form_status(request))


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
@idempotent
def mission_create(request):
    return _mission_form(request)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
def mission_edit(request, pk):
    return _mission_form(request, selectors.get_mission_or_404(request.organisation, pk))


def _mission_context(request, mission, **extra) -> dict:
    return {
        "mission": mission,
        "can_edit": permissions.can_edit_steering(request.user, request.organisation),
        "follow_up_form": FollowUpForm(organisation=request.organisation),
        "follow_up_statuses": FollowUpStatus.choices,
        **selectors.mission_detail(mission=mission),
        **extra,
    }


@require_GET
@require(permissions.can_view_steering)
def mission(request, pk):
    mission = selectors.get_mission_or_404(request.organisation, pk)
    return render(request, "steering/monitoring/mission_detail.html", _mission_context(request, mission))


@require_POST
@require(permissions.can_edit_steering)
@idempotent
def mission_follow_up_create(request, pk):
    mission = selectors.get_mission_or_404(request.organisation, pk)
    form = FollowUpForm(request.POST, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.follow_up_create(user=request.user, mission=mission, **data),
        success=_("Suite à donner ajoutée."),
        next_url=_org_url(request, "steering:mission", mission.pk) + "#follow-ups",
    )
    return saved or render(
        request,
        "steering/monitoring/mission_detail.html",
        _mission_context(request, mission, follow_up_form=form),
        status=422,
    )


@require_POST
@require(permissions.can_edit_steering)
def follow_up_status(request, pk):
    follow_up = selectors.get_follow_up_or_404(request.organisation, pk)
    form = FollowUpStatusForm(request.POST)
    if form.is_valid():
        follow_up = services.follow_up_change_status(
            follow_up=follow_up, user=request.user, status=form.cleaned_data["status"]
        )
        messages.success(request, _("État de la suite : %(s)s.") % {"s": follow_up.get_status_display()})
    else:
        messages.error(request, _("État inconnu."))
    if follow_up.mission_id:
        return redirect(_org_url(request, "steering:mission", follow_up.mission_id) + "#follow-ups")
    return redirect(_org_url(request, "steering:evaluation", follow_up.evaluation_id) + "#follow-ups")


# -- evaluations ------------------------------------------------------------------------------------


def _filtered_evaluations(request):
    form = EvaluationFilterForm(request.GET or None, organisation=request.organisation)
    return form, selectors.evaluation_list(organisation=request.organisation, **form.selector_kwargs())


@require_GET
@require(permissions.can_view_steering)
def evaluations(request):
    form, queryset = _filtered_evaluations(request)
    context = _list_context(request, form, queryset)
    template = (
        "steering/monitoring/includes/_evaluation_results.html"
        if request.htmx
        else "steering/monitoring/evaluations.html"
    )
    return render(request, template, context)


@require_GET
@require(permissions.can_view_steering)
def evaluations_export(request):
    _form, queryset = _filtered_evaluations(request)
    return _export(
        request,
        filename="evaluations",
        header=selectors.evaluation_header(),
        rows=selectors.evaluation_rows(queryset),
        title=_("Évaluations"),
    )


def _evaluation_form(request, evaluation=None):
    org = request.organisation
    form = EvaluationForm(
        request.POST or None, request.FILES or None, instance=evaluation, organisation=org, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            if evaluation is None:
                evaluation = services.evaluation_create(organisation=org, user=request.user, **form.service_fields())
            else:
                evaluation = services.evaluation_update(
                    evaluation=evaluation, user=request.user, **form.service_fields()
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Évaluation enregistrée."))
            return redirect(_org_url(request, "steering:evaluation", evaluation.pk))
    context = {"form": form, "evaluation": evaluation}
    return render(request, "steering/monitoring/evaluation_form.html", context, status=form_status(request))


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
@idempotent
def evaluation_create(request):
    return _evaluation_form(request)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
def evaluation_edit(request, pk):
    evaluation = selectors.get_evaluation_or_404(request.organisation, pk)
    return _evaluation_form(request, evaluation)


def _evaluation_context(request, evaluation, **extra) -> dict:
    return {
        "evaluation": evaluation,
        "can_edit": permissions.can_edit_steering(request.user, request.organisation),
        "follow_up_form": FollowUpForm(organisation=request.organisation),
        "follow_up_statuses": FollowUpStatus.choices,
        **selectors.evaluation_detail(evaluation=evaluation),
        **extra,
    }


@require_GET
@require(permissions.can_view_steering)
def evaluation(request, pk):
    evaluation = selectors.get_evaluation_or_404(request.organisation, pk)
    return render(request, "steering/monitoring/evaluation_detail.html", _evaluation_context(request, evaluation))


@require_GET
@require(permissions.can_view_steering)
def evaluation_report(request, pk):
    """The report is served through this view, which checks the member's access; media are not public."""
    evaluation = selectors.get_evaluation_or_404(request.organisation, pk)
    return serve_private_file(
        request, evaluation.document, filename=f"evaluation-{evaluation.pk}.pdf", content_type="application/pdf"
    )


@require_POST
@require(permissions.can_edit_steering)
@idempotent
def evaluation_follow_up_create(request, pk):
    evaluation = selectors.get_evaluation_or_404(request.organisation, pk)
    form = FollowUpForm(request.POST, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.follow_up_create(user=request.user, evaluation=evaluation, **data),
        success=_("Suite à donner ajoutée."),
        next_url=_org_url(request, "steering:evaluation", evaluation.pk) + "#follow-ups",
    )
    return saved or render(
        request,
        "steering/monitoring/evaluation_detail.html",
        _evaluation_context(request, evaluation, follow_up_form=form),
        status=422,
    )


# -- lessons learned --------------------------------------------------------------------------------


def _filtered_lessons(request):
    form = LessonFilterForm(request.GET or None, organisation=request.organisation, user=request.user)
    return form, selectors.lesson_list(organisation=request.organisation, **form.selector_kwargs())


@require_GET
@require(permissions.can_view_steering)
def lessons(request):
    form, queryset = _filtered_lessons(request)
    context = _list_context(request, form, queryset)
    template = (
        "steering/monitoring/includes/_lesson_results.html" if request.htmx else "steering/monitoring/lessons.html"
    )
    return render(request, template, context)


@require_GET
@require(permissions.can_view_steering)
def lessons_export(request):
    _form, queryset = _filtered_lessons(request)
    return _export(
        request,
        filename="enseignements",
        header=selectors.lesson_header(),
        rows=selectors.lesson_rows(queryset),
        title=_("Enseignements"),
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_steering)
@idempotent
def lesson_create(request):
    org = request.organisation
    form = LessonForm(request.POST or None, organisation=org, user=request.user)
    saved = save_form(
        request,
        form,
        lambda data: services.lesson_create(
            organisation=org, user=request.user, projects=data["projects"], **form.service_fields()
        ),
        success=_("Enseignement enregistré."),
        next_url=_org_url(request, "steering:lessons"),
    )
    return saved or render(request, "steering/monitoring/lesson_form.html", {"form": form}, status=form_status(request))
