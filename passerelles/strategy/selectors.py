"""Reads of the strategy app: organisation-scoped, annotated, a constant number of queries."""

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet

from passerelles.core.tenancy import for_org, get_for_org_or_404
from passerelles.strategy.enums import ActionStatus, DocumentStatus
from passerelles.strategy.models import (
    Action,
    ActionTransition,
    ActorCategory,
    Ambition,
    Orientation,
    Priority,
    ProgressNote,
    StrategyDocument,
)

# Transversal actions (no priority) first on every database: PostgreSQL sorts NULL last by default, SQLite first.
PLAN_ORDER = (
    F("priority__position").asc(nulls_first=True),
    F("priority__code").asc(nulls_first=True),
    "position",
    "code",
)


# -- one door per model ---------------------------------------------------------------------------


def get_document_or_404(organisation, pk) -> StrategyDocument:
    return get_for_org_or_404(StrategyDocument, organisation, pk)


def get_orientation_or_404(organisation, pk) -> Orientation:
    return get_for_org_or_404(Orientation.objects.select_related("document"), organisation, pk)


def get_action_or_404(organisation, pk) -> Action:
    return get_for_org_or_404(
        Action.objects.select_related("document", "priority", "actor_category", "lead_directorate", "organisation"),
        organisation,
        pk,
    )


# -- documents ------------------------------------------------------------------------------------


def document_list(*, organisation) -> QuerySet[StrategyDocument]:
    return for_org(StrategyDocument, organisation).annotate(action_count=Count("actions")).order_by("-version")


def current_document(*, organisation) -> StrategyDocument | None:
    """The adopted strategy; failing that, the latest version."""
    documents = for_org(StrategyDocument, organisation)
    return documents.filter(status=DocumentStatus.ADOPTED).first() or documents.order_by("-version").first()


def resolve_document(*, organisation, version=None) -> StrategyDocument | None:
    if version:
        try:
            return for_org(StrategyDocument, organisation).filter(version=int(version)).first()
        except (TypeError, ValueError):
            return None
    return current_document(organisation=organisation)


# -- progress -------------------------------------------------------------------------------------


def _status_counts(prefix: str = "") -> dict:
    counts = {"action_count": Count(f"{prefix}actions", distinct=True)}
    for status in ActionStatus:
        counts[f"count_{status.value}"] = Count(
            f"{prefix}actions", filter=Q(**{f"{prefix}actions__status": status.value}), distinct=True
        )
    return counts


@dataclass
class Progress:
    total: int
    not_started: int
    in_progress: int
    done: int
    dropped: int

    @classmethod
    def of(cls, row) -> "Progress":
        return cls(
            total=row.action_count,
            not_started=row.count_not_started,
            in_progress=row.count_in_progress,
            done=row.count_done,
            dropped=row.count_dropped,
        )

    @property
    def done_percent(self) -> int:
        """Share of the live actions (dropped ones excluded) that are done."""
        live = self.total - self.dropped
        return round(100 * self.done / live) if live else 0

    @property
    def started_percent(self) -> int:
        live = self.total - self.dropped
        return round(100 * (self.done + self.in_progress) / live) if live else 0


def orientations_with_progress(*, document) -> QuerySet[Orientation]:
    return Orientation.objects.filter(document=document).annotate(**_status_counts()).order_by("number")


@dataclass
class Overview:
    document: StrategyDocument
    ambitions: list
    orientations: list
    priorities: list
    criteria: list
    total: Progress


def strategy_overview(*, document: StrategyDocument) -> Overview:
    orientations = list(orientations_with_progress(document=document))
    for orientation in orientations:
        orientation.progress = Progress.of(orientation)
    by_pk = {o.pk: o for o in orientations}
    ambitions = list(
        Ambition.objects.filter(document=document).prefetch_related(
            Prefetch("orientations", queryset=Orientation.objects.only("pk").order_by("number"))
        )
    )
    for ambition in ambitions:
        ambition.orientation_rows = [by_pk[o.pk] for o in ambition.orientations.all()]
    priorities = list(Priority.objects.filter(document=document).annotate(**_status_counts()))
    for priority in priorities:
        priority.progress = Progress.of(priority)
    totals = Action.objects.filter(document=document).aggregate(
        action_count=Count("pk"),
        **{f"count_{s.value}": Count("pk", filter=Q(status=s.value)) for s in ActionStatus},
    )
    return Overview(
        document=document,
        ambitions=ambitions,
        orientations=orientations,
        priorities=priorities,
        criteria=list(document.criteria.all()),
        total=Progress(
            total=totals["action_count"],
            not_started=totals["count_not_started"],
            in_progress=totals["count_in_progress"],
            done=totals["count_done"],
            dropped=totals["count_dropped"],
        ),
    )


# -- the action plan ------------------------------------------------------------------------------


def action_list(
    *,
    document: StrategyDocument,
    orientation: Orientation | None = None,
    priority: Priority | None = None,
    transversal: bool = False,
    actor_category: ActorCategory | None = None,
    status: str | None = None,
    lead_directorate=None,
    text: str = "",
) -> QuerySet[Action]:
    actions = Action.objects.filter(document=document)
    if orientation is not None:
        actions = actions.filter(orientations=orientation)
    if transversal:
        actions = actions.filter(priority__isnull=True)
    elif priority is not None:
        actions = actions.filter(priority=priority)
    if actor_category is not None:
        actions = actions.filter(actor_category=actor_category)
    if status:
        actions = actions.filter(status=status)
    if lead_directorate is not None:
        actions = actions.filter(lead_directorate=lead_directorate)
    for word in text.split()[:10]:
        actions = actions.filter(Q(code__icontains=word) | Q(title__icontains=word) | Q(description__icontains=word))
    # Transversal actions (no priority) first, then in the order of the adopted plan, which groups them by actor
    # category within each priority.
    return (
        actions.select_related("priority", "actor_category", "lead_directorate")
        .prefetch_related(Prefetch("orientations", queryset=Orientation.objects.only("pk", "number", "title")))
        .order_by(*PLAN_ORDER)
    )


@dataclass
class Matrix:
    orientations: list
    rows: list  # [(action, [bool per orientation])]
    column_totals: list


def action_matrix(*, document: StrategyDocument) -> Matrix:
    orientations = list(Orientation.objects.filter(document=document).only("pk", "number", "title"))
    links = set(
        Action.orientations.through.objects.filter(action__document=document).values_list("action_id", "orientation_id")
    )
    actions = Action.objects.filter(document=document).select_related("priority").order_by(*PLAN_ORDER)
    rows = [(action, [(action.pk, o.pk) in links for o in orientations]) for action in actions]
    totals = [sum(1 for _, cells in rows if cells[i]) for i in range(len(orientations))]
    return Matrix(orientations=orientations, rows=rows, column_totals=totals)


def action_detail_context(*, action: Action) -> dict:
    return {
        "orientations": list(action.orientations.order_by("number")),
        "notes": list(ProgressNote.objects.filter(action=action).select_related("author")),
        "transitions": list(ActionTransition.objects.filter(action=action).select_related("user")[:50]),
    }


def filter_choices(*, document: StrategyDocument, organisation) -> dict:
    from passerelles.core.models import Directorate

    return {
        "orientations": Orientation.objects.filter(document=document).order_by("number"),
        "priorities": Priority.objects.filter(document=document),
        "actor_categories": ActorCategory.objects.filter(document=document),
        "directorates": for_org(Directorate, organisation),
    }
