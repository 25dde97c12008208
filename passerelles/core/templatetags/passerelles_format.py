"""French formatting of values kept as text (frozen JSON versions): `{{ value|euros }}`, `{{ value|iso_date }}`."""

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def euros(value) -> str:
    """ "5000.00" or Decimal("5000") -> "5 000 €" ("5 000,50 €" with cents); anything else unchanged."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():  # "NaN", "Infinity" in a stored JSON: shown as they are, never a crash
        return str(value)
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{formats.number_format(amount, places, use_l10n=True, force_grouping=True)}\xa0€"


@register.filter
def iso_date(value) -> str:
    """ "2027-01-13" -> the date in the active language's format; anything else unchanged."""
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    try:
        return formats.date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return "—" if value in (None, "") else str(value)
