"""The monitoring services re-check the permission and the organisation of every related object."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory, TerritoryFactory
from passerelles.steering.enums import EvaluationKind, FollowUpStatus
from passerelles.steering.models import Evaluation, LessonLearned, MonitoringMission
from passerelles.steering.services import monitoring as services

START, END = datetime.date(2014, 1, 1), datetime.date(2014, 1, 8)


def mission_fields(s, **overrides):
    return {"territory": s.kayes, "start": START, "end": END, "purpose": "Suivi", **overrides}


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.VIEWER, Role.PARTNER, Role.REVIEWER])
def test_only_editors_write(steering, role):
    user, org = steering.world.members[role], steering.world.org
    with pytest.raises(PermissionDenied):
        services.mission_create(organisation=org, user=user, **mission_fields(steering))
    with pytest.raises(PermissionDenied):
        services.evaluation_create(
            organisation=org,
            user=user,
            kind=EvaluationKind.INTERNAL,
            title="x",
            project=steering.project,
            evaluator="y",
        )
    with pytest.raises(PermissionDenied):
        services.lesson_create(organisation=org, user=user, title="x", text="y")
    assert not MonitoringMission.objects.exists() and not Evaluation.objects.exists()
    assert not LessonLearned.objects.exists()


def test_mission_rules(steering):
    officer, org = steering.world.members[Role.OFFICER], steering.world.org
    foreign_territory = TerritoryFactory(organisation=steering.world.other_org)
    with pytest.raises(ValidationError):
        services.mission_create(organisation=org, user=officer, **mission_fields(steering, territory=foreign_territory))
    with pytest.raises(ValidationError):
        services.mission_create(
            organisation=org, user=officer, **mission_fields(steering, end=START.replace(year=2013))
        )
    with pytest.raises(ValidationError):
        services.mission_create(
            organisation=org, user=officer, projects=[steering.other_org_project], **mission_fields(steering)
        )
    foreign_directorate = DirectorateFactory(organisation=steering.world.other_org)
    with pytest.raises(ValidationError):
        services.mission_create(
            organisation=org,
            user=officer,
            delegates=[{"role": "Élu·e", "directorate": foreign_directorate}],
            **mission_fields(steering),
        )
    assert not MonitoringMission.objects.exists()


def test_follow_up_has_exactly_one_source_and_a_known_status(steering):
    officer, org = steering.world.members[Role.OFFICER], steering.world.org
    mission = services.mission_create(organisation=org, user=officer, **mission_fields(steering))
    evaluation = services.evaluation_create(
        organisation=org, user=officer, kind=EvaluationKind.INTERNAL, title="x", project=steering.project, evaluator="y"
    )
    with pytest.raises(ValidationError):
        services.follow_up_create(user=officer, text="x")
    with pytest.raises(ValidationError):
        services.follow_up_create(user=officer, text="x", mission=mission, evaluation=evaluation)
    follow_up = services.follow_up_create(user=officer, text="x", mission=mission)
    with pytest.raises(ValidationError):
        services.follow_up_change_status(follow_up=follow_up, user=officer, status="lost")
    with pytest.raises(PermissionDenied):
        services.follow_up_change_status(
            follow_up=follow_up, user=steering.world.members[Role.VIEWER], status=FollowUpStatus.DONE
        )
    assert services.follow_up_change_status(follow_up=follow_up, user=officer, status=FollowUpStatus.DONE).status == (
        FollowUpStatus.DONE
    )


def test_evaluation_programme_xor_project_and_same_organisation(steering):
    officer, org = steering.world.members[Role.OFFICER], steering.world.org
    base = {"kind": EvaluationKind.EXTERNAL, "title": "x", "evaluator": "F3E"}
    with pytest.raises(ValidationError):
        services.evaluation_create(organisation=org, user=officer, **base)
    with pytest.raises(ValidationError):
        services.evaluation_create(
            organisation=org, user=officer, programme=steering.programme, project=steering.project, **base
        )
    with pytest.raises(ValidationError):
        services.evaluation_create(organisation=org, user=officer, project=steering.other_org_project, **base)
    assert not Evaluation.objects.exists()
