"""Views of the reviews: my assignments, the declaration, then the submitted application beside the scoring grid
(read-only once submitted), and its attachments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from passerelles.calls.forms.reviews import DeclarationForm, MyReviewsFilterForm, ScoreForm
from passerelles.calls.selectors import reviews as selectors
from passerelles.calls.services import reviews as services
from passerelles.core import permissions
from passerelles.core.files import serve_private_file
from passerelles.core.views_helpers import apply_errors, paginate, querystring_without, require


@require_GET
@require(permissions.can_review)
def my_reviews(request):
    form = MyReviewsFilterForm(request.GET or None)
    assignments = selectors.my_assignments(
        organisation=request.organisation, user=request.user, **form.selector_kwargs()
    )
    context = {
        "filter_form": form,
        "page": paginate(request, assignments),
        "state_labels": selectors.STATE_LABELS,
        "querystring": querystring_without(request, "page"),
    }
    template = "calls/reviews/includes/_my_reviews.html" if request.htmx else "calls/reviews/my_reviews.html"
    return render(request, template, context)


def _page(request, assignment, *, status=200, error="", declaration_form=None, score_form=None):
    state = selectors.assignment_state(assignment)
    criteria = list(assignment.application.call.criteria.all())
    context = {
        "assignment": assignment,
        "application": assignment.application,
        "state": state,
        "state_label": selectors.STATE_LABELS[state],
        "error": error,
        "declaration_form": None,
        "score_form": None,
        "my_scores": [],
        "summary": None,
        # The submitted version, its budget and attachments: only once "no conflict" is declared.
        "file": (
            selectors.reviewer_file(assignment)
            if permissions.can_read_application_as_reviewer(request.user, assignment)
            else None
        ),
    }
    if state == selectors.TO_DECLARE:
        context["declaration_form"] = declaration_form or DeclarationForm()
    elif state == selectors.TO_SCORE:
        scores = list(assignment.scores.all())
        context["score_form"] = score_form or ScoreForm(
            criteria=criteria, scores=scores, initial={"general_comment": assignment.general_comment}
        )
    elif state == selectors.SUBMITTED:
        by_criterion = {s.criterion_id: s for s in assignment.scores.all()}
        context["my_scores"] = [(c, by_criterion.get(c.pk)) for c in criteria]
        # The others' scores only now that mine are in.
        context["summary"] = selectors.visible_summary(assignment, user=request.user)
    return render(request, "calls/reviews/review.html", context, status=status)


def _review_url(request, assignment):
    return reverse("calls:review", args=[request.organisation.slug, assignment.pk])


@require_GET
@require(permissions.can_review)
def review(request, pk):
    return _page(request, selectors.get_my_assignment_or_404(request.organisation, pk, user=request.user))


@require_POST
@require(permissions.can_review)
def review_declare(request, pk):
    assignment = selectors.get_my_assignment_or_404(request.organisation, pk, user=request.user)
    form = DeclarationForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.review_declare(
                assignment=assignment,
                user=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                error = " ".join(exc.messages)
        else:
            messages.success(request, _("Déclaration enregistrée."))
            return redirect(_review_url(request, assignment))
    assignment.refresh_from_db()
    return _page(request, assignment, status=422, error=error, declaration_form=form)


@require_POST
@require(permissions.can_review)
def review_score(request, pk):
    assignment = selectors.get_my_assignment_or_404(request.organisation, pk, user=request.user)
    criteria = list(assignment.application.call.criteria.all())
    form = ScoreForm(request.POST, criteria=criteria)
    submit = request.POST.get("action") == "submit"
    error = ""
    if form.is_valid():
        try:
            services.review_score(assignment=assignment, user=request.user, submit=submit, **form.service_kwargs())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("Évaluation remise.") if submit else _("Brouillon enregistré : vous pourrez y revenir.")
            )
            return redirect(_review_url(request, assignment))
    assignment.refresh_from_db()
    state = selectors.assignment_state(assignment)
    return _page(request, assignment, status=422, error=error, score_form=form if state == selectors.TO_SCORE else None)


@require_GET
@require(permissions.can_review)
def review_attachment(request, pk, attachment_pk):
    """A file of the submitted version, for its reviewer once "no conflict" is declared; 403 before or if conflicted,
    403 for a colleague's assignment, 404 for a file that is not part of the submitted version."""
    assignment = selectors.get_my_assignment_or_404(request.organisation, pk, user=request.user)
    if not permissions.can_read_application_as_reviewer(request.user, assignment):
        raise PermissionDenied
    attachment = selectors.get_submitted_attachment_or_404(assignment, attachment_pk)
    return serve_private_file(
        request,
        attachment.file,
        filename=attachment.original_name or "piece",
        content_type=attachment.content_type or "application/octet-stream",
    )
