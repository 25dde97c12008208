import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from passerelles.core.enums import Role
from passerelles.steering.enums import PlanItemStatus
from passerelles.steering.models import AnnualPlan, AnnualPlanItem, ProjectSector
from passerelles.steering.services import projects as services
from passerelles.steering.tests.factories import ProgrammeFactory, ProjectFactory


@pytest.fixture
def officer(steering):
    return steering.world.members[Role.OFFICER]


@pytest.fixture
def plan(steering):
    return AnnualPlan.objects.create(organisation=steering.world.org, year=2012, programme=steering.programme)


def _item(plan, status, **kwargs):
    return AnnualPlanItem.objects.create(organisation=plan.organisation, plan=plan, status=status, **kwargs)


# -- carry-over -----------------------------------------------------------------------------------


def test_carry_over_copies_unfinished_items_and_marks_them_postponed(steering, officer, plan):
    w = steering.world
    planned = _item(plan, PlanItemStatus.PLANNED, action=w.action, owner=w.directorate, budget=Decimal("1500"))
    running = _item(
        plan,
        PlanItemStatus.IN_PROGRESS,
        project=steering.project,
        planned_start=datetime.date(2012, 6, 1),
        planned_end=datetime.date(2013, 6, 30),
    )
    _item(plan, PlanItemStatus.DONE, action=w.transversal)
    _item(plan, PlanItemStatus.DROPPED, project=steering.other_project)

    assert services.annual_plan_carry_over(plan=plan, user=officer) == 2

    following = AnnualPlan.objects.get(organisation=w.org, year=2013)
    assert following.programme is None  # the 2010-2012 programme does not cover 2013
    copies = {c.carried_over_from_id: c for c in following.items.all()}
    assert set(copies) == {planned.pk, running.pk}
    assert copies[planned.pk].status == PlanItemStatus.PLANNED and copies[planned.pk].budget == Decimal("1500")
    assert copies[planned.pk].owner == w.directorate
    assert copies[running.pk].status == PlanItemStatus.IN_PROGRESS
    assert copies[running.pk].planned_end == datetime.date(2013, 6, 30)  # still meaningful next year: kept
    planned.refresh_from_db()
    running.refresh_from_db()
    assert planned.status == running.status == PlanItemStatus.POSTPONED


def test_carry_over_is_idempotent_and_reuses_next_years_plan(steering, officer, plan):
    w = steering.world
    following = AnnualPlan.objects.create(organisation=w.org, year=2013)
    _item(plan, PlanItemStatus.PLANNED, action=w.action)
    _item(plan, PlanItemStatus.POSTPONED, project=steering.project)
    # Already scheduled by hand next year: not duplicated.
    _item(following, PlanItemStatus.PLANNED, project=steering.other_project)
    _item(plan, PlanItemStatus.PLANNED, project=steering.other_project)

    assert services.annual_plan_carry_over(plan=plan, user=officer) == 2
    assert services.annual_plan_carry_over(plan=plan, user=officer) == 0
    assert AnnualPlan.objects.filter(organisation=w.org).count() == 2
    assert following.items.count() == 3


def test_carry_over_is_one_transaction(steering, officer, plan, monkeypatch):
    w = steering.world
    first = _item(plan, PlanItemStatus.PLANNED, action=w.action)
    _item(plan, PlanItemStatus.PLANNED, project=steering.project)
    original_save = AnnualPlanItem.save
    calls = {"n": 0}

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # after the first copy and the first original are saved
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(AnnualPlanItem, "save", failing_save)
    with pytest.raises(RuntimeError):
        services.annual_plan_carry_over(plan=plan, user=officer)
    monkeypatch.undo()
    assert not AnnualPlan.objects.filter(organisation=w.org, year=2013).exists()
    first.refresh_from_db()
    assert first.status == PlanItemStatus.PLANNED


def test_carry_over_keeps_the_programme_when_it_covers_next_year(steering, officer):
    programme = ProgrammeFactory(organisation=steering.world.org, start_year=2013, end_year=2015)
    plan = AnnualPlan.objects.create(organisation=steering.world.org, year=2013, programme=programme)
    _item(plan, PlanItemStatus.PLANNED, project=steering.project)
    services.annual_plan_carry_over(plan=plan, user=officer)
    assert AnnualPlan.objects.get(organisation=steering.world.org, year=2014).programme == programme


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR, Role.PARTNER])
def test_carry_over_rechecks_the_permission(steering, plan, role):
    with pytest.raises(PermissionDenied):
        services.annual_plan_carry_over(plan=plan, user=steering.world.members[role])


# -- plan items -----------------------------------------------------------------------------------


def test_plan_item_is_an_action_or_a_project_not_both(steering, officer, plan):
    with pytest.raises(ValidationError):
        services.annual_plan_item_create(
            plan=plan, user=officer, action=steering.world.action, project=steering.project
        )
    with pytest.raises(ValidationError):
        services.annual_plan_item_create(plan=plan, user=officer)
    assert not plan.items.exists()


def test_plan_item_refuses_duplicates_and_other_organisations(steering, officer, plan):
    services.annual_plan_item_create(plan=plan, user=officer, project=steering.project)
    with pytest.raises(ValidationError) as error:
        services.annual_plan_item_create(plan=plan, user=officer, project=steering.project)
    assert "déjà" in str(error.value)
    with pytest.raises(ValidationError):
        services.annual_plan_item_create(plan=plan, user=officer, project=steering.other_org_project)
    with pytest.raises(ValidationError):
        services.annual_plan_item_create(plan=plan, user=officer, action=steering.world.other_action)
    assert plan.items.count() == 1


def test_plan_item_dates_must_be_in_order(steering, officer, plan):
    with pytest.raises(ValidationError):
        services.annual_plan_item_create(
            plan=plan,
            user=officer,
            project=steering.project,
            planned_start=datetime.date(2012, 6, 1),
            planned_end=datetime.date(2012, 1, 1),
        )


def test_annual_plan_year_is_unique(steering, officer, plan):
    with pytest.raises(ValidationError) as error:
        services.annual_plan_create(organisation=steering.world.org, user=officer, year=2012)
    assert "year" in error.value.error_dict


# -- programmes -----------------------------------------------------------------------------------


def test_programme_end_year_not_before_start(steering, officer):
    with pytest.raises(ValidationError) as error:
        services.programme_create(
            organisation=steering.world.org, user=officer, title="P", start_year=2016, end_year=2015
        )
    assert "end_year" in error.value.error_dict


# -- projects -------------------------------------------------------------------------------------


def test_project_links_must_belong_to_the_organisation_and_the_adopted_strategy(steering, officer):
    w = steering.world
    with pytest.raises(ValidationError):
        services.project_create(
            organisation=w.org, user=officer, code="X-1", title="X", kind="other", actions=[w.other_action]
        )
    project = services.project_create(
        organisation=w.org,
        user=officer,
        code="X-1",
        title="X",
        kind="other",
        actions=[w.action],
        orientations=w.orientations[:1],
        partner_territories=[steering.kayes],
    )
    assert list(project.actions.all()) == [w.action]
    with pytest.raises(ValidationError):
        services.project_update(project=project, user=officer, partner_territories=[steering.home])


def test_project_dates_in_order(steering, officer):
    with pytest.raises(ValidationError):
        services.project_create(
            organisation=steering.world.org,
            user=officer,
            code="X-2",
            title="X",
            kind="other",
            actual_start=datetime.date(2014, 1, 1),
            actual_end=datetime.date(2013, 1, 1),
        )


def test_contributor_edits_only_projects_their_directorate_co_carries(steering):
    contributor = steering.world.members[Role.CONTRIBUTOR]
    services.project_update(project=steering.project, user=contributor, code="KAY-01", title="Renamed", kind="other")
    with pytest.raises(PermissionDenied):
        services.project_update(
            project=steering.other_project, user=contributor, code="DAK-01", title="X", kind="other"
        )


# -- sectors --------------------------------------------------------------------------------------


def test_sectors_must_sum_to_exactly_100(steering, officer):
    project = steering.project
    with pytest.raises(ValidationError) as error:
        services.project_sectors_replace(
            project=project, user=officer, lines=[("15112", Decimal("60")), ("11110", Decimal("39.99"))]
        )
    assert "100" in str(error.value)
    sectors = services.project_sectors_replace(
        project=project, user=officer, lines=[("15112", Decimal("60")), ("11110", Decimal("40"))]
    )
    assert len(sectors) == 2
    assert ProjectSector.objects.filter(project=project).count() == 2


@pytest.mark.parametrize(
    "lines",
    [
        [("99999", Decimal("100"))],  # unknown code
        [("15112", Decimal("50")), ("15112", Decimal("50"))],  # duplicate
        [("15112", Decimal("150")), ("11110", Decimal("-50"))],  # out of range
    ],
)
def test_bad_sector_lines_are_refused_and_nothing_changes(steering, officer, lines):
    services.project_sectors_replace(project=steering.project, user=officer, lines=[("15112", Decimal("100"))])
    with pytest.raises(ValidationError):
        services.project_sectors_replace(project=steering.project, user=officer, lines=lines)
    assert list(ProjectSector.objects.filter(project=steering.project).values_list("code", flat=True)) == ["15112"]


def test_sectors_can_be_cleared(steering, officer):
    services.project_sectors_replace(project=steering.project, user=officer, lines=[("15112", Decimal("100"))])
    services.project_sectors_replace(project=steering.project, user=officer, lines=[])
    assert not ProjectSector.objects.filter(project=steering.project).exists()


def test_dac_sector_names_are_loaded_once():
    from passerelles.steering.selectors.projects import dac_sectors

    assert dac_sectors() is dac_sectors()
    assert dac_sectors()["11110"].startswith("Politique de l'éducation")


def test_document_needs_a_file_or_a_url(steering, officer):
    with pytest.raises(ValidationError):
        services.project_document_create(project=steering.project, user=officer, title="Rien")
    doc = services.project_document_create(
        project=steering.project, user=officer, title="Lien", url="https://example.org/a.pdf"
    )
    assert doc.organisation == steering.world.org


def test_project_factory_is_scoped(steering):
    assert ProjectFactory(organisation=steering.world.org).organisation == steering.world.org
