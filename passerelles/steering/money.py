"""Currency conversion to euros: XOF at its fixed parity, MRU (and any other) at the dated rate in force."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from passerelles.steering.enums import XOF_PER_EUR, Currency
from passerelles.steering.models import ExchangeRate

CENT = Decimal("0.01")


def units_per_eur(*, organisation, currency: str, on: date) -> Decimal:
    if currency == Currency.EUR:
        return Decimal("1")
    if currency == Currency.XOF:
        return XOF_PER_EUR
    if currency not in Currency.values:
        raise ValidationError({"currency": _("Devise inconnue : %(c)s.") % {"c": currency}})
    rate = (
        ExchangeRate.objects.for_org(organisation)
        .filter(currency=currency, valid_from__lte=on)
        .order_by("-valid_from")
        .values_list("units_per_eur", flat=True)
        .first()
    )
    if rate is None:
        raise ValidationError(
            {
                "currency": _("Aucun taux de change %(c)s en vigueur au %(d)s : saisissez-le d'abord.")
                % {"c": currency, "d": on.strftime("%d/%m/%Y")}
            }
        )
    return rate


def to_eur(amount: Decimal, rate: Decimal) -> Decimal:
    return (Decimal(amount) / rate).quantize(CENT, rounding=ROUND_HALF_UP)
