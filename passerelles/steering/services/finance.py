"""Every write of the budget and co-financing area. Keyword-only, one transaction each, permission re-checked."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction as db_transaction
from django.utils.translation import gettext as _

from passerelles.core import permissions
from passerelles.steering import money
from passerelles.steering.enums import Currency
from passerelles.steering.models import (
    BudgetEnvelope,
    BudgetLine,
    ExchangeRate,
    Funder,
    InKindContribution,
    Project,
    Transaction,
)

# Currencies whose rate is fixed in the code: no dated rate is entered for them.
FIXED_RATE_CURRENCIES = frozenset({Currency.EUR, Currency.XOF})


def _check_finance(user, organisation) -> None:
    if not permissions.can_edit_finance(user, organisation):
        raise PermissionDenied


def _check_funder(funder: Funder | None, organisation, field: str = "funder") -> None:
    if funder is not None and funder.organisation_id != organisation.pk:
        raise ValidationError({field: _("Bailleur inconnu.")})


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


def _update(instance, fields: dict):
    for name, value in fields.items():
        setattr(instance, name, value)
    return _save(instance)


# -- funders --------------------------------------------------------------------------------------


@db_transaction.atomic
def funder_create(*, organisation, user, name: str, kind: str, short_name: str = "") -> Funder:
    _check_finance(user, organisation)
    return _save(Funder(organisation=organisation, name=name, short_name=short_name, kind=kind))


@db_transaction.atomic
def funder_update(*, funder: Funder, user, **fields) -> Funder:
    _check_finance(user, funder.organisation)
    return _update(funder, fields)


# -- exchange rates -------------------------------------------------------------------------------


@db_transaction.atomic
def exchange_rate_create(
    *, organisation, user, currency: str, valid_from: date, units_per_eur: Decimal
) -> ExchangeRate:
    _check_finance(user, organisation)
    if currency in FIXED_RATE_CURRENCIES:
        raise ValidationError({"currency": _("Le taux de cette devise est fixe : il n'a pas à être saisi.")})
    return _save(
        ExchangeRate(organisation=organisation, currency=currency, valid_from=valid_from, units_per_eur=units_per_eur)
    )


# -- a project's budget ---------------------------------------------------------------------------


@db_transaction.atomic
def budget_line_create(
    *, project: Project, user, year: int, funder: Funder, amount: Decimal, status: str, note: str = ""
) -> BudgetLine:
    _check_finance(user, project.organisation)
    _check_funder(funder, project.organisation)
    line = BudgetLine(
        organisation=project.organisation,
        project=project,
        year=year,
        funder=funder,
        amount=amount,
        status=status,
        note=note,
        is_aggregate=False,
    )
    return _save(line)


@db_transaction.atomic
def budget_line_update(*, line: BudgetLine, user, **fields) -> BudgetLine:
    _check_finance(user, line.organisation)
    _check_funder(fields.get("funder"), line.organisation)
    return _update(line, fields)


@db_transaction.atomic
def transaction_create(
    *,
    project: Project,
    user,
    kind: str,
    date: date,
    amount: Decimal,
    currency: str,
    funder: Funder | None = None,
    description: str = "",
) -> Transaction:
    """Record a transaction in its currency, with the rate in force at its date and its value in euros."""
    _check_finance(user, project.organisation)
    _check_funder(funder, project.organisation)
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("Le montant ne peut pas être négatif.")})
    rate = money.units_per_eur(organisation=project.organisation, currency=currency, on=date)
    tx = Transaction(
        organisation=project.organisation,
        project=project,
        kind=kind,
        date=date,
        amount=amount,
        currency=currency,
        units_per_eur=rate,
        amount_eur=money.to_eur(amount, rate),
        funder=funder,
        description=description,
    )
    return _save(tx)


@db_transaction.atomic
def in_kind_create(
    *, project: Project, user, year: int, funder: Funder, description: str, value_eur: Decimal
) -> InKindContribution:
    _check_finance(user, project.organisation)
    _check_funder(funder, project.organisation)
    contribution = InKindContribution(
        organisation=project.organisation,
        project=project,
        year=year,
        funder=funder,
        description=description,
        value_eur=value_eur,
    )
    return _save(contribution)


# -- budget arbitration (action T4) ---------------------------------------------------------------


@db_transaction.atomic
def envelope_create(*, organisation, user, year: int, project_kind: str, amount: Decimal) -> BudgetEnvelope:
    _check_finance(user, organisation)
    return _save(BudgetEnvelope(organisation=organisation, year=year, project_kind=project_kind, amount=amount))


@db_transaction.atomic
def envelope_update(*, envelope: BudgetEnvelope, user, **fields) -> BudgetEnvelope:
    _check_finance(user, envelope.organisation)
    return _update(envelope, fields)
