"""Services and selectors of the results framework: the values state machine, locking, concurrency, performance."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from passerelles.core.enums import Role
from passerelles.steering.enums import PERIOD_TRANSITIONS, MeasuredOn, PeriodStatus
from passerelles.steering.models import DisaggregationValue, Period, PeriodTransition
from passerelles.steering.selectors.results import percent_of_target, performance_rows
from passerelles.steering.services import results as services
from passerelles.steering.tests.factories import IndicatorFactory, PeriodFactory, ResultFactory


def _member(s, role):
    return s.world.members[role]


def _save(s, period, user=None, **values):
    kwargs = {"target_value": Decimal("20"), "actual_value": Decimal("15"), "actual_comment": ""}
    kwargs.update(values)
    kwargs.setdefault("version", Period.objects.get(pk=period.pk).version)
    return services.period_save_values(period=period, user=user or _member(s, Role.OFFICER), **kwargs)


def _force_status(period, status):
    Period.objects.filter(pk=period.pk).update(status=status, actual_value=Decimal("15"))
    period.refresh_from_db()


# -- the state machine ----------------------------------------------------------------------------------------

SERVICES = {
    PeriodStatus.SUBMITTED: lambda period, user: services.period_submit(period=period, user=user),
    PeriodStatus.APPROVED: lambda period, user: services.period_approve(period=period, user=user),
    PeriodStatus.RETURNED: lambda period, user: services.period_return(period=period, user=user, comment="À revoir"),
}
ALL_PAIRS = list(itertools.product(PeriodStatus.values, [PeriodStatus.SUBMITTED, PeriodStatus.APPROVED, "returned"]))


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_every_transition_is_legal_or_refused(steering, from_status, to_status):
    period = steering.period
    _force_status(period, from_status)
    officer = _member(steering, Role.OFFICER)
    legal = to_status in PERIOD_TRANSITIONS[from_status]
    if legal:
        SERVICES[to_status](period, officer)
        period.refresh_from_db()
        assert period.status == to_status
        log = PeriodTransition.objects.get(period=period)
        assert (log.from_status, log.to_status, log.user) == (from_status, to_status, officer)
    else:
        with pytest.raises(ValidationError) as error:
            SERVICES[to_status](period, officer)
        assert error.value.code in {"illegal_transition", "locked"}
        period.refresh_from_db()
        assert period.status == from_status
        assert not PeriodTransition.objects.filter(period=period).exists()


def test_full_cycle_with_a_return(steering):
    partner, officer = _member(steering, Role.PARTNER), _member(steering, Role.OFFICER)
    period = steering.period
    _save(steering, period, user=partner)
    services.period_submit(period=period, user=partner)
    services.period_return(period=period, user=officer, comment="Le réalisé manque de justificatif.")
    period.refresh_from_db()
    assert period.status == PeriodStatus.RETURNED and "justificatif" in period.return_comment
    _save(steering, period, user=partner, actual_value=Decimal("18"))
    services.period_submit(period=period, user=partner)
    services.period_approve(period=period, user=officer)
    period.refresh_from_db()
    assert period.status == PeriodStatus.APPROVED and period.actual_value == Decimal("18")
    assert list(period.transitions.order_by("pk").values_list("to_status", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]


def test_submitting_needs_an_actual_value(steering):
    with pytest.raises(ValidationError, match="réalisée"):
        services.period_submit(period=steering.period, user=_member(steering, Role.OFFICER))


def test_return_needs_a_comment(steering):
    _force_status(steering.period, PeriodStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="pourquoi"):
        services.period_return(period=steering.period, user=_member(steering, Role.OFFICER), comment="  ")


@pytest.mark.parametrize("role", [Role.PARTNER, Role.CONTRIBUTOR, Role.VIEWER, Role.REVIEWER])
def test_only_staff_approve_or_return(steering, role):
    _force_status(steering.period, PeriodStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.period_approve(period=steering.period, user=_member(steering, role))
    with pytest.raises(PermissionDenied):
        services.period_return(period=steering.period, user=_member(steering, role), comment="Non")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.REVIEWER])
def test_readers_cannot_enter_values(steering, role):
    with pytest.raises(PermissionDenied):
        _save(steering, steering.period, user=_member(steering, role))
    with pytest.raises(PermissionDenied):
        services.period_submit(period=steering.period, user=_member(steering, role))


# -- locking ----------------------------------------------------------------------------------------------------


def test_an_approved_period_is_locked(steering):
    period = steering.period
    _force_status(period, PeriodStatus.APPROVED)
    officer = _member(steering, Role.OFFICER)
    for attempt in (
        lambda: _save(steering, period, actual_value=Decimal("99")),
        lambda: services.period_update(period=period, user=officer, target_value=Decimal("99")),
        lambda: services.period_delete(period=period, user=officer),
        lambda: services.period_add_evidence(period=period, user=officer, title="x", url="https://example.org"),
        lambda: services.indicator_delete(indicator=period.indicator, user=officer),
        lambda: services.result_delete(result=period.indicator.result, user=officer),
    ):
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.code == "locked"
        assert "verrouillées" in " ".join(error.value.messages)
    period.refresh_from_db()
    assert period.actual_value == Decimal("15") and period.target_value == Decimal("20")


def test_a_submitted_period_waits_for_a_decision(steering):
    _force_status(steering.period, PeriodStatus.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        _save(steering, steering.period)
    assert error.value.code == "status"


# -- optimistic concurrency ----------------------------------------------------------------------------------------


def test_second_writer_of_the_same_version_gets_a_conflict(steering):
    period = steering.period
    read_version = Period.objects.get(pk=period.pk).version
    _save(steering, period, user=_member(steering, Role.PARTNER), version=read_version, actual_value=Decimal("11"))
    with pytest.raises(ValidationError) as error:
        _save(steering, period, version=read_version, actual_value=Decimal("22"))
    assert error.value.code == "conflict"
    assert "modifiées par quelqu'un d'autre" in error.value.messages[0]
    period.refresh_from_db()
    assert period.actual_value == Decimal("11") and period.version == read_version + 1


def test_a_status_change_invalidates_an_open_form(steering):
    period = steering.period
    version = Period.objects.get(pk=period.pk).version
    _save(steering, period, version=version)
    services.period_submit(period=period, user=_member(steering, Role.OFFICER))
    services.period_return(period=period, user=_member(steering, Role.OFFICER), comment="Revoir")
    with pytest.raises(ValidationError) as error:
        _save(steering, period, version=version + 1)
    assert error.value.code == "conflict"


def test_values_save_breakdown_and_history(steering):
    from passerelles.steering.models import Disaggregation

    women = Disaggregation.objects.create(
        organisation=steering.world.org, indicator=steering.indicator, dimension="sexe", category="femmes"
    )
    period = _save(steering, steering.period, disaggregation_values={women.pk: (Decimal("10"), Decimal("7"))})
    value = DisaggregationValue.objects.get(period=period, disaggregation=women)
    assert (value.target_value, value.actual_value) == (Decimal("10"), Decimal("7"))
    assert period.history.first().actual_value == Decimal("15")


def test_breakdown_of_another_indicator_is_refused(steering):
    from passerelles.steering.models import Disaggregation

    foreign = Disaggregation.objects.create(
        organisation=steering.world.org, indicator=steering.home_indicator, dimension="sexe", category="hommes"
    )
    with pytest.raises(ValidationError):
        _save(steering, steering.period, disaggregation_values={foreign.pk: (None, Decimal("1"))})
    assert Period.objects.get(pk=steering.period.pk).actual_value is None


# -- the performance definition --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ascending", "baseline", "target", "actual", "expected"),
    [
        (True, Decimal("10"), Decimal("20"), Decimal("15"), Decimal("75.0")),
        (True, None, Decimal("40"), Decimal("40"), Decimal("100.0")),
        (True, Decimal("0"), Decimal("0"), Decimal("5"), None),  # zero target
        (True, Decimal("0"), None, Decimal("5"), None),  # no target
        (True, Decimal("0"), Decimal("10"), None, None),  # no actual
        # descending: from 40 % illiteracy towards 20 %; 30 % is half way, 20 % is reached, 45 % went backwards
        (False, Decimal("40"), Decimal("20"), Decimal("30"), Decimal("50.0")),
        (False, Decimal("40"), Decimal("20"), Decimal("20"), Decimal("100.0")),
        (False, Decimal("40"), Decimal("20"), Decimal("45"), Decimal("-25.0")),
        (False, None, Decimal("20"), Decimal("30"), None),  # no baseline: no progress to measure
        (False, Decimal("20"), Decimal("20"), Decimal("10"), None),
    ],
)
def test_percent_of_target(ascending, baseline, target, actual, expected):
    assert percent_of_target(ascending=ascending, baseline=baseline, target=target, actual=actual) == expected


def _indicator_with_periods(s, *, ascending=True, cumulative=False, baseline=Decimal("0"), values=()):
    indicator = IndicatorFactory(
        result=s.result,
        measured_on=MeasuredOn.PARTNER,
        territory=s.kayes,
        ascending=ascending,
        cumulative=cumulative,
        baseline_value=baseline,
    )
    for year, (target, actual, status) in enumerate(values, start=2013):
        PeriodFactory(
            indicator=indicator,
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 31),
            target_value=target,
            actual_value=actual,
            status=status,
        )
    return indicator


def _rows_of(s, indicator, **filters):
    rows = performance_rows(organisation=s.world.org, user=_member(s, Role.OFFICER), **filters)
    return [r for r in rows if r.indicator.pk == indicator.pk]


def test_performance_ascending_and_on_track(steering):
    indicator = _indicator_with_periods(
        steering,
        values=[
            (Decimal("100"), Decimal("95"), PeriodStatus.APPROVED),  # 95 %: on track
            (Decimal("100"), Decimal("80"), PeriodStatus.SUBMITTED),  # 80 %: off track
            (Decimal("100"), Decimal("100"), PeriodStatus.DRAFT),  # a draft is not judged
        ],
    )
    rows = _rows_of(steering, indicator)
    assert [r.percent_of_target for r in rows] == [Decimal("95.0"), Decimal("80.0"), Decimal("100.0")]
    assert [r.on_track for r in rows] == [True, False, None]
    assert [r.status for r in rows] == ["approved", "submitted", "draft"]


def test_performance_descending(steering):
    indicator = _indicator_with_periods(
        steering,
        ascending=False,
        baseline=Decimal("40"),
        values=[
            (Decimal("30"), Decimal("31"), PeriodStatus.APPROVED),  # 9/10 of the way: on track
            (Decimal("20"), Decimal("35"), PeriodStatus.APPROVED),  # 5/20: off track
        ],
    )
    rows = _rows_of(steering, indicator)
    assert [r.percent_of_target for r in rows] == [Decimal("90.0"), Decimal("25.0")]
    assert [r.on_track for r in rows] == [True, False]
    assert rows[0].baseline == Decimal("40")


def test_performance_cumulative_uses_running_totals_even_when_filtered_by_year(steering):
    indicator = _indicator_with_periods(
        steering,
        cumulative=True,
        values=[
            (Decimal("10"), Decimal("12"), PeriodStatus.APPROVED),
            (Decimal("10"), Decimal("5"), PeriodStatus.SUBMITTED),
            (Decimal("10"), None, PeriodStatus.DRAFT),
        ],
    )
    rows = _rows_of(steering, indicator)
    assert [(r.target, r.actual) for r in rows] == [
        (Decimal("10"), Decimal("12")),
        (Decimal("20"), Decimal("17")),
        (Decimal("30"), None),
    ]
    assert [r.percent_of_target for r in rows] == [Decimal("120.0"), Decimal("85.0"), None]
    assert [r.on_track for r in rows] == [True, False, None]
    only_2014 = _rows_of(steering, indicator, year=2014)
    assert [(r.target, r.actual, r.percent_of_target) for r in only_2014] == [
        (Decimal("20"), Decimal("17"), Decimal("85.0"))
    ]


def test_performance_filters_and_partner_scope(steering):
    other = ResultFactory(project=steering.other_project)
    dakar_indicator = IndicatorFactory(result=other, measured_on=MeasuredOn.PARTNER, territory=steering.dakar)
    PeriodFactory(indicator=dakar_indicator)
    org = steering.world.org
    every = performance_rows(organisation=org, user=_member(steering, Role.OFFICER))
    assert {r.project.code for r in every} == {"KAY-01", "DAK-01"}
    partner = performance_rows(organisation=org, user=_member(steering, Role.PARTNER))
    assert {r.project.code for r in partner} == {"KAY-01"}
    assert {r.project.code for r in performance_rows(organisation=org, user=_member(steering, Role.REVIEWER))} == set()
    by_territory = performance_rows(organisation=org, user=_member(steering, Role.OFFICER), territory=steering.dakar)
    assert {r.project.code for r in by_territory} == {"DAK-01"}
    by_programme = performance_rows(
        organisation=org, user=_member(steering, Role.OFFICER), programme=steering.programme
    )
    assert {r.project.code for r in by_programme} == {"KAY-01"}
    home = performance_rows(organisation=org, user=_member(steering, Role.OFFICER), measured_on=MeasuredOn.HOME)
    assert [r.indicator for r in home] == [steering.home_indicator]
    assert performance_rows(organisation=org, user=_member(steering, Role.OFFICER), year=2030) == []
    steering.project.orientations.set([steering.world.orientations[0]])
    by_orientation = performance_rows(
        organisation=org, user=_member(steering, Role.OFFICER), orientation=steering.world.orientations[0]
    )
    assert {r.project.code for r in by_orientation} == {"KAY-01"}


# -- the framework ------------------------------------------------------------------------------------------------


def test_indicator_territory_must_match_measured_on(steering):
    officer = _member(steering, Role.OFFICER)
    with pytest.raises(ValidationError) as error:
        services.indicator_create(
            result=steering.result, user=officer, title="X", measured_on=MeasuredOn.HOME, territory=steering.kayes
        )
    assert "territory" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.indicator_create(
            result=steering.result, user=officer, title="X", measured_on=MeasuredOn.PARTNER, territory=steering.dakar
        )
    indicator = services.indicator_create(
        result=steering.result, user=officer, title="X", measured_on=MeasuredOn.HOME, territory=steering.home
    )
    assert indicator.organisation == steering.world.org


def test_partner_cannot_edit_the_framework(steering):
    with pytest.raises(PermissionDenied):
        services.result_create(project=steering.project, user=_member(steering, Role.PARTNER), kind="output", title="X")
