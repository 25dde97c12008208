"""Reads of the instruction: the applications list and export, one application's file, the score summary."""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from passerelles.calls import workflow
from passerelles.calls.enums import ApplicationStatus, BudgetSide
from passerelles.calls.models import (
    Application,
    Attachment,
    Call,
    Criterion,
    Question,
    ReviewAssignment,
)
from passerelles.core import permissions
from passerelles.core.enums import Role
from passerelles.core.models import Membership
from passerelles.core.templatetags.passerelles_format import euros, iso_date
from passerelles.core.tenancy import for_org, get_for_org_or_404

# Roles that may be assigned as reviewers: never a partner (nor the applicant, who has no membership).
REVIEWER_ROLES = (Role.REVIEWER, Role.VIEWER, Role.OFFICER, Role.ADMIN)
# Decisions belong to the committee (grants engineer): the instruction page never offers them.
COMMITTEE_TARGETS = frozenset({ApplicationStatus.ACCEPTED, ApplicationStatus.REFUSED})


def get_application_or_404(organisation, pk) -> Application:
    return get_for_org_or_404(
        Application.objects.select_related("call", "actor", "applicant", "organisation"), organisation, pk
    )


def get_attachment_or_404(organisation, pk) -> Attachment:
    return get_for_org_or_404(Attachment.objects.select_related("application"), organisation, pk)


def get_assignment_or_404(organisation, pk) -> ReviewAssignment:
    return get_for_org_or_404(ReviewAssignment.objects.select_related("application", "reviewer"), organisation, pk)


# -- the list -----------------------------------------------------------------------------------------------


def application_list(
    *,
    organisation,
    call: Call | None = None,
    status: str = "",
    reviewer=None,
    eligibility: str = "",
    q: str = "",
    include_drafts: bool = False,
) -> QuerySet[Application]:
    """The organisation's applications, drafts left out unless asked, with their review counts.

    `eligibility`: "" (any), "yes", "no" or "none" (not recorded yet).
    """
    applications = for_org(Application, organisation)
    if not include_drafts and status != ApplicationStatus.DRAFT:
        applications = applications.exclude(status=ApplicationStatus.DRAFT)
    if call is not None:
        applications = applications.filter(call=call)
    if status:
        applications = applications.filter(status=status)
    if reviewer is not None:
        applications = applications.filter(
            Exists(ReviewAssignment.objects.filter(application=OuterRef("pk"), reviewer=reviewer))
        )
    if eligibility == "yes":
        applications = applications.filter(eligibility_ok=True)
    elif eligibility == "no":
        applications = applications.filter(eligibility_ok=False)
    elif eligibility == "none":
        applications = applications.filter(eligibility_ok__isnull=True)
    q = (q or "").strip()
    if q:
        applications = applications.filter(
            Q(reference__icontains=q) | Q(title__icontains=q) | Q(actor__name__icontains=q)
        )
    return (
        applications.select_related("call", "actor", "organisation")
        .annotate(
            reviews_assigned=Count("assignments", distinct=True),
            reviews_done=Count("assignments", filter=Q(assignments__submitted_at__isnull=False), distinct=True),
        )
        .prefetch_related(_submitted_assignments())
        .order_by("-submitted_at", "-created_at", "-pk")
    )


def _submitted_assignments() -> Prefetch:
    # A conflicted reviewer never submits (database constraint): submitted assignments are the ones that count.
    return Prefetch(
        "assignments",
        queryset=ReviewAssignment.objects.filter(submitted_at__isnull=False).prefetch_related("scores"),
        to_attr="submitted_assignments",
    )


def criteria_by_call(applications: Iterable[Application]) -> dict[int, list[Criterion]]:
    call_ids = {a.call_id for a in applications}
    grouped: dict[int, list[Criterion]] = {pk: [] for pk in call_ids}
    for criterion in Criterion.objects.filter(call_id__in=call_ids).order_by("position", "pk"):
        grouped[criterion.call_id].append(criterion)
    return grouped


def with_summaries(applications: Iterable[Application], *, user) -> list[Application]:
    """Attach `summary` (a ScoreSummary, or None when hidden from `user`) and `scores_hidden` (why, or "") to each
    application of a page: three queries whatever its size."""
    applications = list(applications)
    criteria = criteria_by_call(applications)
    states = _review_states(user, applications)
    for application in applications:
        application.scores_hidden = scores_hidden_label(user, application, review_states=states)
        application.summary = (
            None
            if application.scores_hidden
            else score_summary(criteria[application.call_id], application.submitted_assignments)
        )
    return applications


def reviewer_choices(*, organisation) -> QuerySet[Membership]:
    """Who may be assigned: active members with a reviewing role; never a partner."""
    return (
        Membership.objects.filter(organisation=organisation, is_active=True, role__in=REVIEWER_ROLES)
        .select_related("user")
        .order_by("user__email")
    )


def call_choices(*, organisation) -> QuerySet[Call]:
    return for_org(Call, organisation).order_by("-opens_at", "title")


# -- scores -------------------------------------------------------------------------------------------------

# What stands in for the scores a user may not see (pages and exports alike).
SCORES_HIDDEN_LABELS = {
    permissions.SCORES_HIDDEN_CONFLICT: _lazy("masqué : conflit d'intérêts déclaré"),
    permissions.SCORES_HIDDEN_PENDING: _lazy("masqué : remettez d'abord votre évaluation"),
}


def _review_states(user, applications: list[Application]) -> dict[int, str]:
    if not applications:
        return {}
    return permissions.own_review_states(user, applications[0].organisation)


def scores_hidden_label(user, application: Application, *, review_states: dict[int, str] | None = None) -> str:
    """"" when `user` may see the scores of `application` (permissions.can_see_scores); otherwise why not.

    Every page and export that shows scores asks this, so that none can forget a conflicted reviewer.
    """
    if permissions.can_see_scores(user, application, review_states=review_states):
        return ""
    reason = permissions.scores_hidden_reason(user, application, review_states=review_states)
    return str(SCORES_HIDDEN_LABELS.get(reason, _lazy("masqué")))



@dataclass
class CriterionSummary:
    criterion: Criterion
    scores: list[int]
    mean: float | None
    spread: float | None


@dataclass
class ScoreSummary:
    rows: list[CriterionSummary] = field(default_factory=list)
    weighted_mean: float | None = None
    reviewer_means: list[float] = field(default_factory=list)
    spread: float | None = None  # population standard deviation of the reviewers' weighted means
    count: int = 0  # submitted reviews taken into account


def _weighted(pairs: list[tuple[float, int]]) -> float | None:
    total_weight = sum(weight for _value, weight in pairs)
    if not total_weight:
        return None
    return sum(value * weight for value, weight in pairs) / total_weight


def score_summary(criteria: list[Criterion], assignments: Iterable[ReviewAssignment]) -> ScoreSummary:
    """Per criterion mean and spread (population standard deviation), weighted mean /5, reviewers counted.

    Only submitted reviews count; a conflicted reviewer never submits, so is always left out.
    """
    submitted = [a for a in assignments if a.submitted_at is not None and a.has_conflict is not True]
    by_criterion: dict[int, list[int]] = {c.pk: [] for c in criteria}
    weights = {c.pk: c.weight for c in criteria}
    reviewer_means = []
    for assignment in submitted:
        own = []
        for score in assignment.scores.all():
            if score.criterion_id in by_criterion:
                by_criterion[score.criterion_id].append(score.score)
                own.append((score.score, weights[score.criterion_id]))
        mean = _weighted(own)
        if mean is not None:
            reviewer_means.append(mean)
    rows = []
    for criterion in criteria:
        values = by_criterion[criterion.pk]
        rows.append(
            CriterionSummary(
                criterion=criterion,
                scores=values,
                mean=statistics.fmean(values) if values else None,
                spread=statistics.pstdev(values) if values else None,
            )
        )
    weighted_mean = _weighted([(row.mean, row.criterion.weight) for row in rows if row.mean is not None])
    return ScoreSummary(
        rows=rows,
        weighted_mean=weighted_mean,
        reviewer_means=reviewer_means,
        spread=statistics.pstdev(reviewer_means) if reviewer_means else None,
        count=len(reviewer_means),
    )


def application_score_summary(application: Application) -> ScoreSummary:
    assignments = application.assignments.filter(submitted_at__isnull=False).prefetch_related("scores")
    return score_summary(list(application.call.criteria.all()), assignments)


# -- one application ----------------------------------------------------------------------------------------


def application_file(application: Application, *, user) -> dict:
    """Everything the instruction page shows to `user`, read in a fixed number of queries.

    The scores' summary is None (and `scores_hidden` says why) for a reviewer of this application who declared a
    conflict of interest or has not submitted yet, whatever his role.
    """
    scores_hidden = scores_hidden_label(user, application)
    lines = list(application.budget_lines.all())
    expenses = [line for line in lines if line.side == BudgetSide.EXPENSE]
    resources = [line for line in lines if line.side == BudgetSide.RESOURCE]
    assignments = list(application.assignments.select_related("reviewer").prefetch_related("scores"))
    return {
        "frozen": frozen_version(application.submitted_version),
        "attachments": list(application.attachments.select_related("document", "question")),
        "expenses": expenses,
        "resources": resources,
        "expense_total": sum((line.amount for line in expenses), Decimal("0")),
        "resource_total": sum((line.amount for line in resources), Decimal("0")),
        "transitions": list(application.transitions.select_related("by")),
        "messages": list(application.messages.select_related("author")),
        "assignments": assignments,
        "summary": None if scores_hidden else score_summary(list(application.call.criteria.all()), assignments),
        "scores_hidden": scores_hidden,
        "self_check": self_check_view(application.self_check),
        "officer_targets": officer_targets(application),
    }


def officer_targets(application: Application) -> list[str]:
    return [t for t in workflow.targets(application.status, workflow.OFFICER) if t not in COMMITTEE_TARGETS]


def _display(value) -> str:
    """A stored answer as text, whatever its JSON shape."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, list):
        return " ; ".join(_display(item) for item in value)
    if isinstance(value, dict):
        for key in ("display", "label", "name", "original_name", "value"):
            if key in value:
                return _display(value[key])
        return " ; ".join(f"{k} : {_display(v)}" for k, v in value.items())
    if isinstance(value, Decimal | float | int):
        return formats.number_format(value)
    return str(value)


def _pairs(data, label_keys=("label", "question", "name", "key"), value_keys=("display", "value", "answer")):
    """(label, text) pairs from a dict or a list of dicts; anything else ignored."""
    if isinstance(data, dict):
        return [(str(k), _display(v)) for k, v in data.items()]
    pairs = []
    if isinstance(data, list):
        for item in data:
            if not isinstance(item, dict):
                continue
            label = next((item[k] for k in label_keys if item.get(k) not in (None, "")), "—")
            value = next((item[k] for k in value_keys if k in item), None)
            pairs.append((str(label), iso_date(value) if item.get("kind") == "date" else _display(value)))
    return pairs


# The fields of the frozen version as written at submission (services/applications.py::snapshot), in French.
FROZEN_FIELD_LABELS = {
    "title": _lazy("Intitulé du projet"),
    "summary": _lazy("Résumé"),
    "modality_label": _lazy("Soutien demandé"),
    "amount_requested": _lazy("Montant demandé (EUR)"),
    "starts_on": _lazy("Début du projet"),
    "ends_on": _lazy("Fin du projet"),
}


def _frozen_fields(fields) -> list[tuple[str, str]]:
    """Known fields with their French label, in a fixed order; unknown keys kept as they are, raw codes skipped."""
    if not isinstance(fields, dict):
        return []
    formatters = {"amount_requested": euros, "starts_on": iso_date, "ends_on": iso_date}
    pairs = [
        (str(label), formatters.get(key, _display)(fields[key]))
        for key, label in FROZEN_FIELD_LABELS.items()
        if key in fields
    ]
    skipped = set(FROZEN_FIELD_LABELS) | {"modality"}
    return pairs + [(str(k), _display(v)) for k, v in fields.items() if k not in skipped]


def frozen_version(version) -> dict:
    """The submitted version (JSON written at submission) made safe to render: missing keys give empty lists."""
    version = version if isinstance(version, dict) else {}
    attachments = []
    for item in version.get("attachments") or []:
        if isinstance(item, dict):
            attachments.append(
                {
                    "name": str(item.get("original_name") or item.get("name") or "—"),
                    "sha256": str(item.get("sha256") or ""),
                    "label": str(item.get("document") or item.get("label") or item.get("question") or ""),
                }
            )
    budget = []
    for item in version.get("budget_lines") or version.get("budget") or []:
        if isinstance(item, dict):
            budget.append(
                {
                    "side": str(item.get("side") or ""),
                    "label": str(item.get("label") or "—"),
                    "amount": euros(item.get("amount")),
                    "funder": str(item.get("funder") or ""),
                }
            )
    return {
        "present": bool(version),
        "submitted_at": version.get("submitted_at") or "",
        "fields": _frozen_fields(version.get("fields")),
        "answers": _pairs(version.get("answers") or []),
        "budget": budget,
        "attachments": attachments,
    }


def self_check_view(self_check) -> dict:
    """The applicant's self-check: eligible or not, and the reasons given. Defensive about its shape."""
    self_check = self_check if isinstance(self_check, dict) else {}
    reasons = self_check.get("reasons") or []
    if not isinstance(reasons, list):
        reasons = [reasons]
    eligible = self_check.get("eligible")
    return {
        "present": bool(self_check),
        "eligible": eligible if isinstance(eligible, bool) else None,
        "reasons": [str(reason) for reason in reasons],
    }


# -- the export ---------------------------------------------------------------------------------------------


def _decimal(value):
    return float(value) if value is not None else None


def _round(value):
    return round(value, 2) if value is not None else None


def export_table(applications: QuerySet[Application], *, call: Call | None, user) -> tuple[list[str], list[list]]:
    """Header and rows of the applications export: one column per question and per criterion when on one call.

    The score cells of an application whose scores are hidden from `user` (scores_hidden_label) hold the reason.
    """
    applications = list(applications.prefetch_related("answers"))
    criteria = criteria_by_call(applications)
    states = _review_states(user, applications)
    questions = list(Question.objects.filter(call=call).order_by("position", "pk")) if call is not None else []
    call_criteria = list(Criterion.objects.filter(call=call).order_by("position", "pk")) if call is not None else []
    header = [
        _("Référence"),
        _("Appel"),
        _("Porteur"),
        _("Intitulé"),
        _("État"),
        _("Déposé le"),
        _("Montant demandé (EUR)"),
        _("Éligibilité"),
        _("Motif de l'avis d'éligibilité"),
    ]
    header += [q.label for q in questions]
    for criterion in call_criteria:
        header += [
            _("%(label)s — moyenne") % {"label": criterion.label},
            _("%(label)s — écart-type") % {"label": criterion.label},
        ]
    header += [
        _("Évaluations remises"),
        _("Moyenne pondérée /5"),
        _("Écart-type des évaluateurs"),
        _("Décision"),
        _("Montant accordé (EUR)"),
        _("Motivation"),
    ]
    rows = []
    eligibility = {True: _("Éligible"), False: _("Non éligible"), None: _("Non vérifiée")}
    for application in applications:
        hidden = scores_hidden_label(user, application, review_states=states)
        summary = score_summary(criteria[application.call_id], application.submitted_assignments)
        answers = {answer.question_id: answer.value for answer in application.answers.all()}
        row = [
            application.reference,
            application.call.title,
            application.actor.name,
            application.title,
            application.get_status_display(),
            formats.date_format(timezone.localtime(application.submitted_at), "d/m/Y H:i")
            if application.submitted_at
            else "",
            _decimal(application.amount_requested),
            eligibility[application.eligibility_ok],
            application.eligibility_note,
        ]
        row += [_display(answers[q.pk]) if q.pk in answers else "" for q in questions]
        rows_by_criterion = {r.criterion.pk: r for r in summary.rows}
        for criterion in call_criteria:
            r = rows_by_criterion.get(criterion.pk)
            row += [hidden, hidden] if hidden else [_round(r.mean) if r else None, _round(r.spread) if r else None]
        decided = application.status in workflow.DECIDED
        row += [
            summary.count,
            hidden or _round(summary.weighted_mean),
            hidden or _round(summary.spread),
            application.get_status_display() if decided else "",
            _decimal(application.decided_amount),
            application.decision_motivation,
        ]
        rows.append(row)
    return header, rows


def get_applicant_application_or_404(user, pk) -> Application:
    """The applicant side: an application of the account's own actor (or that it started); 404 for anyone else's."""
    try:
        return (
            Application.objects.select_related("call", "actor", "organisation")
            .filter(Q(applicant=user) | Q(actor__account=user))
            .get(pk=int(pk))
        )
    except (ValueError, TypeError, OverflowError, Application.DoesNotExist) as exc:
        raise Http404 from exc
