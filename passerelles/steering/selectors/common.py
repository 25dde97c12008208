"""The one door to projects: what a user may see, and the 404 for everything else."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from passerelles.core.enums import Role
from passerelles.core.permissions import STEERING_READERS, can_view_project, get_membership
from passerelles.core.tenancy import for_org, get_for_org_or_404
from passerelles.steering.models import Project, ProjectDirectorate


def visible_projects(*, organisation, user) -> QuerySet[Project]:
    """Projects the user may see: every project for staff and viewers, only its own for a partner authority."""
    membership = get_membership(user, organisation)
    projects = for_org(Project, organisation)
    if membership is None:
        return projects.none()
    if membership.role in STEERING_READERS:
        return projects
    if membership.role == Role.PARTNER and membership.partner_territory_id:
        return projects.filter(partner_territories=membership.partner_territory_id).distinct()
    return projects.none()


def get_project_or_404(organisation, pk, *, user) -> Project:
    """404 for a missing project, another organisation's, and one a partner is not party to."""
    try:
        project = (
            for_org(Project, organisation)
            .select_related("programme", "organisation")
            .prefetch_related(
                "partner_territories",
                Prefetch("directorates", queryset=ProjectDirectorate.objects.select_related("directorate")),
            )
            .get(pk=int(pk))
        )
    except (ValueError, TypeError, OverflowError, Project.DoesNotExist) as exc:
        raise Http404 from exc
    if not can_view_project(user, project):
        raise Http404
    return project


def get_project_child_or_404(queryset_or_model, organisation, pk, *, project: Project, path: str = "project"):
    """A row of the organisation that also belongs to this project; 404 otherwise (missing, another organisation's
    and another project's alike).

    `path` leads from the row to its project: `project` for a direct child, `review__project` for an assessment,
    `indicator__result__project` for a period's disaggregation.
    """
    if isinstance(queryset_or_model, type):
        queryset_or_model = queryset_or_model._default_manager.all()
    return get_for_org_or_404(queryset_or_model.filter(**{path: project}), organisation, pk)


def with_home_indicator_flag(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate `has_home_indicator`: whether any indicator of the project is measured on the home territory.

    A project without one is flagged wherever it appears (action T3: results on every territory, including the
    authority's own).
    """
    from django.db.models import Exists, OuterRef

    from passerelles.steering.enums import MeasuredOn
    from passerelles.steering.models import Indicator

    home = Indicator.objects.filter(result__project=OuterRef("pk"), measured_on=MeasuredOn.HOME)
    return projects.annotate(has_home_indicator=Exists(home))
