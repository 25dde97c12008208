"""Writes of monitoring missions, evaluations, follow-ups and lessons learned.

Keyword-only, one transaction each; the permission and the organisation of every related object are checked again
here, so that a future API calling these functions cannot skip them.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from passerelles.core import permissions
from passerelles.steering.enums import FollowUpStatus
from passerelles.steering.models import (
    Evaluation,
    FollowUp,
    LessonLearned,
    MissionDelegate,
    MonitoringMission,
)
from passerelles.steering.selectors.common import visible_projects


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _same_organisation(organisation, **related) -> None:
    """Every related object given must belong to the organisation (ids of another one are refused)."""
    for field, obj in related.items():
        if obj is not None and obj.organisation_id != organisation.pk:
            raise ValidationError({field: _("Sélectionnez un choix valide.")})


def _visible(organisation, user, projects, field: str = "projects") -> list:
    projects = list(projects)
    allowed = set(
        visible_projects(organisation=organisation, user=user)
        .filter(pk__in=[p.pk for p in projects])
        .values_list("pk", flat=True)
    )
    if any(p.pk not in allowed for p in projects):
        raise ValidationError({field: _("Projet inconnu.")})
    return projects


# -- missions ---------------------------------------------------------------------------------------


def _save_delegates(mission: MonitoringMission, delegates: list[dict]) -> None:
    """Replace the delegation with `delegates` ([{directorate, role}]) when it changed."""
    wanted = [((d.get("directorate").pk if d.get("directorate") else None), d["role"].strip()) for d in delegates]
    current = list(mission.delegates.order_by("pk"))
    if [(d.directorate_id, d.role) for d in current] == wanted:
        return
    for delegate in current:
        delegate.delete()
    for row in delegates:
        _same_organisation(mission.organisation, directorate=row.get("directorate"))
        delegate = MissionDelegate(
            organisation=mission.organisation,
            mission=mission,
            directorate=row.get("directorate"),
            role=row["role"].strip(),
        )
        delegate.full_clean()
        delegate.save()


def _apply_mission(mission: MonitoringMission, *, user, projects, delegates, fields: dict) -> MonitoringMission:
    for name, value in fields.items():
        setattr(mission, name, value)
    _same_organisation(mission.organisation, territory=mission.territory if mission.territory_id else None)
    projects = _visible(mission.organisation, user, projects)
    mission.full_clean()
    mission.save()
    if set(mission.projects.values_list("pk", flat=True)) != {p.pk for p in projects}:
        mission.projects.set(projects)
    _save_delegates(mission, delegates)
    return mission


@transaction.atomic
def mission_create(*, organisation, user, projects=(), delegates=(), **fields) -> MonitoringMission:
    _check(permissions.can_edit_steering(user, organisation))
    mission = MonitoringMission(organisation=organisation)
    return _apply_mission(mission, user=user, projects=projects, delegates=list(delegates), fields=fields)


@transaction.atomic
def mission_update(*, mission: MonitoringMission, user, projects=(), delegates=(), **fields) -> MonitoringMission:
    _check(permissions.can_edit_steering(user, mission.organisation))
    return _apply_mission(mission, user=user, projects=projects, delegates=list(delegates), fields=fields)


# -- follow-ups -------------------------------------------------------------------------------------


@transaction.atomic
def follow_up_create(
    *,
    user,
    text: str,
    mission: MonitoringMission | None = None,
    evaluation: Evaluation | None = None,
    owner=None,
    due_date=None,
    status: str = FollowUpStatus.OPEN,
) -> FollowUp:
    source = mission or evaluation
    if source is None or (mission is not None and evaluation is not None):
        raise ValidationError(_("Une suite à donner vient d'une mission ou d'une évaluation."))
    _check(permissions.can_edit_steering(user, source.organisation))
    _same_organisation(source.organisation, owner=owner)
    follow_up = FollowUp(
        organisation=source.organisation,
        mission=mission,
        evaluation=evaluation,
        text=text,
        owner=owner,
        due_date=due_date,
        status=status,
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_change_status(*, follow_up: FollowUp, user, status: str) -> FollowUp:
    _check(permissions.can_edit_steering(user, follow_up.organisation))
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if status not in FollowUpStatus.values:
        raise ValidationError({"status": _("État inconnu.")})
    if status == follow_up.status:
        return follow_up
    follow_up.status = status
    follow_up.full_clean()
    follow_up.save(update_fields=["status"])
    return follow_up


# -- evaluations ------------------------------------------------------------------------------------


def _apply_evaluation(evaluation: Evaluation, *, user, fields: dict) -> Evaluation:
    for name, value in fields.items():
        setattr(evaluation, name, value)
    _same_organisation(evaluation.organisation, programme=evaluation.programme, project=evaluation.project)
    if evaluation.project is not None:
        _visible(evaluation.organisation, user, [evaluation.project], field="project")
    evaluation.full_clean()
    evaluation.save()
    return evaluation


@transaction.atomic
def evaluation_create(*, organisation, user, **fields) -> Evaluation:
    _check(permissions.can_edit_steering(user, organisation))
    return _apply_evaluation(Evaluation(organisation=organisation), user=user, fields=fields)


@transaction.atomic
def evaluation_update(*, evaluation: Evaluation, user, **fields) -> Evaluation:
    _check(permissions.can_edit_steering(user, evaluation.organisation))
    return _apply_evaluation(evaluation, user=user, fields=fields)


# -- lessons learned --------------------------------------------------------------------------------


@transaction.atomic
def lesson_create(*, organisation, user, projects=(), evaluation=None, **fields) -> LessonLearned:
    _check(permissions.can_edit_steering(user, organisation))
    _same_organisation(organisation, evaluation=evaluation)
    projects = _visible(organisation, user, projects)
    lesson = LessonLearned(organisation=organisation, evaluation=evaluation, **fields)
    lesson.full_clean()
    lesson.save()
    lesson.projects.set(projects)
    return lesson
