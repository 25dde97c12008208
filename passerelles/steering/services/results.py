"""Writes of the results framework: keyword-only, one transaction each, permission checked again.

The values of a period follow an explicit state machine (`enums.PERIOD_TRANSITIONS`), one service per transition,
each logged in `PeriodTransition`. An approved period is locked. Values are saved with optimistic concurrency: the
form carries the `version` it read, and the write only applies if nobody wrote in between.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from passerelles.core import permissions, uploads
from passerelles.core.enums import TerritoryKind
from passerelles.steering.enums import PERIOD_TRANSITIONS, MeasuredOn, PeriodStatus
from passerelles.steering.models import (
    Disaggregation,
    DisaggregationValue,
    Indicator,
    Period,
    PeriodEvidence,
    PeriodTransition,
    Project,
    Result,
)

EDITABLE_STATUSES = frozenset({PeriodStatus.DRAFT, PeriodStatus.RETURNED})
RETURN_COMMENT_MAX = 5000


EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def locked_error() -> ValidationError:
    return ValidationError(
        _("Cette période est approuvée : ses valeurs sont verrouillées et ne peuvent plus être modifiées."),
        code="locked",
    )


def conflict_error() -> ValidationError:
    return ValidationError(
        _(
            "Ces valeurs ont été modifiées par quelqu'un d'autre pendant votre saisie : rien n'a été enregistré. "
            "Comparez ses valeurs et les vôtres ci-dessous, puis enregistrez à nouveau si besoin."
        ),
        code="conflict",
    )


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


def _set(instance, fields: dict):
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def _refuse_if_any_locked(periods) -> None:
    if periods.filter(status=PeriodStatus.APPROVED).exists():
        raise ValidationError(
            _("Des valeurs approuvées en dépendent : elles sont verrouillées, la suppression est refusée."),
            code="locked",
        )


def validate_evidence_file(file) -> None:
    """At most 10 MB; a PDF, PNG, JPEG or office document by content, with the matching extension; no archive bomb.

    The file's name becomes its checked display name, kept in `original_name`: the stored name is a random one.
    """
    try:
        _content_type, file.name = uploads.validate_upload(
            file, max_bytes=EVIDENCE_MAX_BYTES, accepted=uploads.EVIDENCE_TYPES
        )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}, code=error.code) from error


def territory_error(measured_on: str, territory, project: Project) -> str | None:
    """Why the territory does not fit an indicator measured on `measured_on` for `project`, or None."""
    if territory is None:
        return _("Indiquez le territoire sur lequel l'indicateur est mesuré.")
    if territory.organisation_id != project.organisation_id:
        return _("Territoire inconnu.")
    if measured_on == MeasuredOn.HOME and territory.kind != TerritoryKind.HOME:
        return _(
            "Un indicateur mesuré sur le territoire de la collectivité porte sur un territoire de la collectivité."
        )
    if measured_on == MeasuredOn.PARTNER:
        if territory.kind != TerritoryKind.PARTNER:
            return _("Un indicateur mesuré sur le territoire partenaire porte sur un territoire partenaire.")
        partners = {t.pk for t in project.partner_territories.all()}
        if partners and territory.pk not in partners:
            return _("Ce territoire n'est pas un territoire partenaire du projet.")
    return None


# -- results, indicators, periods, disaggregations (the framework) ------------------------------------------


def _next_position(siblings) -> int:
    return (siblings.order_by("-position").values_list("position", flat=True).first() or 0) + 1


@transaction.atomic
def result_create(*, project: Project, user, **fields) -> Result:
    _check(permissions.can_edit_project(user, project))
    if fields.get("position") is None:
        fields["position"] = _next_position(Result.objects.filter(project=project))
    return _save(Result(organisation=project.organisation, project=project, **fields))


@transaction.atomic
def result_update(*, result: Result, user, **fields) -> Result:
    _check(permissions.can_edit_project(user, result.project))
    if fields.get("position", 0) is None:
        fields.pop("position")
    return _save(_set(result, fields))


@transaction.atomic
def result_delete(*, result: Result, user) -> None:
    _check(permissions.can_edit_project(user, result.project))
    _refuse_if_any_locked(Period.objects.filter(indicator__result=result))
    result.delete()


def _validate_indicator(indicator: Indicator) -> None:
    message = territory_error(indicator.measured_on, indicator.territory, indicator.result.project)
    if message:
        raise ValidationError({"territory": message})


@transaction.atomic
def indicator_create(*, result: Result, user, **fields) -> Indicator:
    _check(permissions.can_edit_project(user, result.project))
    if fields.get("position") is None:
        fields["position"] = _next_position(Indicator.objects.filter(result=result))
    indicator = Indicator(organisation=result.organisation, result=result, **fields)
    _validate_indicator(indicator)
    return _save(indicator)


@transaction.atomic
def indicator_update(*, indicator: Indicator, user, **fields) -> Indicator:
    _check(permissions.can_edit_project(user, indicator.result.project))
    if fields.get("position", 0) is None:
        fields.pop("position")
    _set(indicator, fields)
    _validate_indicator(indicator)
    return _save(indicator)


@transaction.atomic
def indicator_delete(*, indicator: Indicator, user) -> None:
    _check(permissions.can_edit_project(user, indicator.result.project))
    _refuse_if_any_locked(indicator.periods.all())
    indicator.delete()


@transaction.atomic
def period_create(*, indicator: Indicator, user, **fields) -> Period:
    _check(permissions.can_edit_project(user, indicator.result.project))
    return _save(Period(organisation=indicator.organisation, indicator=indicator, **fields))


@transaction.atomic
def period_update(*, period: Period, user, **fields) -> Period:
    """Dates and target of a period (the framework); refused once the period is approved."""
    _check(permissions.can_edit_project(user, period.indicator.result.project))
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_locked:
        raise locked_error()
    _set(period, fields)
    period.version += 1
    return _save(period)


@transaction.atomic
def period_delete(*, period: Period, user) -> None:
    _check(permissions.can_edit_project(user, period.indicator.result.project))
    if Period.objects.get(pk=period.pk).is_locked:
        raise locked_error()
    period.delete()


@transaction.atomic
def disaggregation_create(*, indicator: Indicator, user, **fields) -> Disaggregation:
    _check(permissions.can_edit_project(user, indicator.result.project))
    return _save(Disaggregation(organisation=indicator.organisation, indicator=indicator, **fields))


@transaction.atomic
def disaggregation_update(*, disaggregation: Disaggregation, user, **fields) -> Disaggregation:
    _check(permissions.can_edit_project(user, disaggregation.indicator.result.project))
    return _save(_set(disaggregation, fields))


@transaction.atomic
def disaggregation_delete(*, disaggregation: Disaggregation, user) -> None:
    _check(permissions.can_edit_project(user, disaggregation.indicator.result.project))
    _refuse_if_any_locked(Period.objects.filter(disaggregation_values__disaggregation=disaggregation))
    disaggregation.delete()


# -- the values of a period --------------------------------------------------------------------------------------


@transaction.atomic
def period_save_values(
    *,
    period: Period,
    user,
    version: int,
    target_value,
    actual_value,
    actual_comment: str,
    disaggregation_values: dict | None = None,
) -> Period:
    """Save the target and actual values (and their breakdown) read at `version`.

    `disaggregation_values` maps a disaggregation id of the period's indicator to `(target, actual)`.
    Raises ValidationError code "locked" for an approved period, "status" for a submitted one, and "conflict" when
    somebody else saved the period after `version` was read (nothing is written then).
    """
    project = period.indicator.result.project
    _check(permissions.can_enter_results(user, project))
    current = Period.objects.get(pk=period.pk)
    if current.is_locked:
        raise locked_error()
    if current.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("Ces valeurs sont soumises pour approbation : elles ne sont modifiables que si elles sont renvoyées."),
            code="status",
        )
    candidate = _set(
        Period.objects.get(pk=period.pk),
        {"target_value": target_value, "actual_value": actual_value, "actual_comment": actual_comment},
    )
    candidate.full_clean()
    allowed = {d.pk for d in Disaggregation.objects.filter(indicator_id=current.indicator_id)}
    breakdown = disaggregation_values or {}
    if set(breakdown) - allowed:
        raise ValidationError(_("Ventilation inconnue pour cet indicateur."), code="invalid")
    # The write only applies to the version that was read: 0 rows means somebody else saved in between.
    updated = Period.objects.filter(pk=period.pk, version=version, status__in=EDITABLE_STATUSES).update(
        target_value=target_value,
        actual_value=actual_value,
        actual_comment=actual_comment,
        version=F("version") + 1,
    )
    if updated == 0:
        raise conflict_error()
    for disaggregation_id, (target, actual) in breakdown.items():
        value, _created = DisaggregationValue.objects.get_or_create(
            period_id=period.pk,
            disaggregation_id=disaggregation_id,
            defaults={"organisation": period.organisation},
        )
        value.target_value, value.actual_value = target, actual
        _save(value)
    saved = Period.objects.get(pk=period.pk)
    # `update()` skips django-simple-history: record the change by hand so that the audit trail stays complete.
    Period.history.bulk_history_create([saved], update=True, default_user=user)
    return saved


def _transition(*, period: Period, user, to_status: str, comment: str = "") -> Period:
    period = Period.objects.select_for_update().get(pk=period.pk)
    if to_status not in PERIOD_TRANSITIONS.get(period.status, frozenset()):
        if period.is_locked:
            raise locked_error()
        raise ValidationError(
            _("Passage de « %(from)s » à « %(to)s » non autorisé.")
            % {"from": period.get_status_display(), "to": PeriodStatus(to_status).label},
            code="illegal_transition",
        )
    previous = period.status
    period.status = to_status
    if to_status == PeriodStatus.RETURNED:
        period.return_comment = comment
    # A status change also bumps the version: a values form opened before it can no longer overwrite.
    period.version += 1
    period.full_clean()
    period.save(update_fields=["status", "return_comment", "version"])
    PeriodTransition.objects.create(
        organisation=period.organisation,
        period=period,
        from_status=previous,
        to_status=to_status,
        comment=comment,
        user=user,
    )
    return period


@transaction.atomic
def period_submit(*, period: Period, user) -> Period:
    _check(permissions.can_enter_results(user, period.indicator.result.project))
    if Period.objects.filter(pk=period.pk, actual_value__isnull=True).exclude(status=PeriodStatus.APPROVED).exists():
        raise ValidationError(_("Saisissez la valeur réalisée avant de soumettre la période."), code="incomplete")
    return _transition(period=period, user=user, to_status=PeriodStatus.SUBMITTED)


@transaction.atomic
def period_approve(*, period: Period, user) -> Period:
    _check(permissions.can_approve_results(user, period.indicator.result.project))
    return _transition(period=period, user=user, to_status=PeriodStatus.APPROVED)


@transaction.atomic
def period_return(*, period: Period, user, comment: str) -> Period:
    _check(permissions.can_approve_results(user, period.indicator.result.project))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Indiquez pourquoi les valeurs sont renvoyées.")})
    if len(comment) > RETURN_COMMENT_MAX:
        raise ValidationError({"comment": _("Le motif est limité à %(n)s caractères.") % {"n": RETURN_COMMENT_MAX}})
    return _transition(period=period, user=user, to_status=PeriodStatus.RETURNED, comment=comment)


@transaction.atomic
def period_add_evidence(*, period: Period, user, title: str, file=None, url: str = "") -> PeriodEvidence:
    """A supporting document (file checked by content) or a link; refused once the period is approved."""
    _check(permissions.can_enter_results(user, period.indicator.result.project))
    if Period.objects.get(pk=period.pk).is_locked:
        raise locked_error()
    if file:
        validate_evidence_file(file)
    evidence = PeriodEvidence(
        organisation=period.organisation, period=period, title=title, url=url or "", added_by=user
    )
    if file:
        evidence.attach(file)
    return _save(evidence)
