"""Identifiers of French organisations: SIRET (14 digits, Luhn checksum) and RNA (W + 9 digits)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments do not follow the Luhn rule: their SIRET digits add up to a multiple of 5.
LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siret(value: str) -> str:
    return re.sub(r"[\s.]", "", value or "")


def validate_siret(value: str) -> None:
    digits = normalise_siret(value)
    if not re.fullmatch(r"\d{14}", digits):
        raise ValidationError(_("Un SIRET compte 14 chiffres."), code="siret_length")
    if digits.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in digits) % 5:
            raise ValidationError(_("Ce SIRET n'est pas valide (clé de contrôle)."), code="siret_checksum")
        return
    if not luhn_ok(digits[:9]) or not luhn_ok(digits):
        raise ValidationError(_("Ce SIRET n'est pas valide (clé de contrôle)."), code="siret_checksum")


def validate_rna(value: str) -> None:
    if not re.fullmatch(r"W\d{9}", (value or "").strip().upper()):
        raise ValidationError(_("Un numéro RNA s'écrit W suivi de 9 chiffres, ex. W912000123."), code="rna_format")


def validate_countries(value) -> None:
    if not isinstance(value, list) or not all(isinstance(c, str) and re.fullmatch(r"[A-Z]{2}", c) for c in value):
        raise ValidationError(_("Pays : codes ISO à deux lettres majuscules, ex. ML, SN."), code="countries")


def validate_themes(value) -> None:
    from passerelles.actors.enums import Theme

    if not isinstance(value, list) or not all(t in Theme.values for t in value):
        raise ValidationError(_("Thématique inconnue."), code="themes")
