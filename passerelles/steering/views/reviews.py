"""Alignment reviews: one project's reviews, the review form, and the portfolio of projects to review or adapt."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.core import permissions
from passerelles.core.exports import table_response
from passerelles.core.idempotency import idempotent
from passerelles.core.views_helpers import export_delimiter, export_format, paginate, querystring_without, require
from passerelles.steering.forms.reviews import AlignmentFilterForm, ReviewFormSet
from passerelles.steering.selectors import reviews as selectors
from passerelles.steering.selectors.common import get_project_or_404
from passerelles.steering.services import reviews as services


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


# -- one project ------------------------------------------------------------------------------------


@require_GET
@require(permissions.can_view_projects)
def project_reviews(request, pk):
    project = get_project_or_404(request.organisation, pk, user=request.user)
    reviews = selectors.project_reviews(project=project)
    context = {
        "project": project,
        "latest": reviews[0] if reviews else None,
        "older": reviews[1:],
        "open_adaptations": selectors.project_open_adaptations(project=project),
        "can_review": permissions.can_review_alignment(request.user, request.organisation),
        "document": selectors.adopted_document(organisation=request.organisation),
    }
    return render(request, "steering/reviews/project_reviews.html", context)


@require_http_methods(["GET", "POST"])
@require(permissions.can_review_alignment)
@idempotent
def review_create(request, pk):
    project = get_project_or_404(request.organisation, pk, user=request.user)
    document = selectors.adopted_document(organisation=request.organisation)
    criteria = selectors.criteria_of(document=document)
    formset = ReviewFormSet(request.POST or None, criteria=criteria, organisation=request.organisation)
    error = None
    if request.method == "POST" and criteria and formset.is_valid():
        try:
            services.review_create(project=project, user=request.user, **formset.service_kwargs())
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Examen de conformité enregistré."))
            return redirect(_org_url(request, "steering:project_reviews", project.pk))
    context = {"project": project, "document": document, "formset": formset, "criteria": criteria, "error": error}
    status = 422 if request.method == "POST" else 200
    return render(request, "steering/reviews/review_form.html", context, status=status)


@require_POST
@require(permissions.can_review_alignment)
def adaptation_done(request, pk, assessment_pk):
    project = get_project_or_404(request.organisation, pk, user=request.user)
    assessment = selectors.get_assessment_or_404(request.organisation, assessment_pk, project=project)
    try:
        services.adaptation_mark_done(assessment=assessment, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Adaptation marquée comme réalisée."))
    return redirect(_org_url(request, "steering:project_reviews", project.pk) + "#adaptations")


# -- the portfolio ----------------------------------------------------------------------------------


def _filtered_portfolio(request):
    form = AlignmentFilterForm(request.GET or None, organisation=request.organisation)
    projects = selectors.alignment_portfolio(
        organisation=request.organisation, user=request.user, **form.selector_kwargs()
    )
    return form, projects


@require_GET
@require(permissions.can_view_steering)
def alignment(request):
    form, projects = _filtered_portfolio(request)
    page = paginate(request, projects)
    for project in page.object_list:
        project.open_adaptations = selectors.open_adaptation_rows(project)
    context = {
        "filter_form": form,
        "page": page,
        "today": timezone.localdate(),
        "document": selectors.adopted_document(organisation=request.organisation),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    template = (
        "steering/reviews/includes/_alignment_results.html" if request.htmx else "steering/reviews/alignment.html"
    )
    return render(request, template, context)


@require_GET
@require(permissions.can_view_steering)
def alignment_export(request):
    fmt = export_format(request)
    _form, projects = _filtered_portfolio(request)
    return table_response(
        fmt=fmt,
        filename=f"conformite-{request.organisation.slug}",
        header=selectors.alignment_header(),
        rows=selectors.alignment_rows(projects),
        title=_("Conformité"),
        delimiter=export_delimiter(request),
    )
