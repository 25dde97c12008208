"""Writes of the networks and of their prioritisation grid. Keyword-only, one transaction each."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from passerelles.actors.models import Network, NetworkCriterion, NetworkScore
from passerelles.core import permissions
from passerelles.core.tenancy import for_org

NETWORK_FIELDS = (
    "name",
    "acronym",
    "scope",
    "membership_status",
    "member_since",
    "annual_fee",
    "working_groups",
    "lead_directorate",
    "website",
    "description",
)
CRITERION_FIELDS = ("label", "description", "weight", "position")


def _check(by, organisation) -> None:
    if not permissions.can_edit_networks(by, organisation):
        raise PermissionDenied


def _taken(queryset, field: str, value: str) -> bool:
    """Case-insensitive, accents included ("COÛT" == "Coût"), which SQLite's LIKE does not do."""
    if not value:
        return False
    wanted = value.strip().casefold()
    return any(other.strip().casefold() == wanted for other in queryset.values_list(field, flat=True))


def _save_network(network: Network) -> Network:
    directorate = network.lead_directorate
    if directorate is not None and directorate.organisation_id != network.organisation_id:
        raise ValidationError({"lead_directorate": _("Choix inconnu pour cette organisation.")})
    if _taken(for_org(Network, network.organisation).exclude(pk=network.pk), "name", network.name):
        raise ValidationError({"name": _("Un réseau porte déjà ce nom.")})
    network.full_clean()
    network.save()
    return network


def _fields(fields: dict, allowed: tuple) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    return fields


@transaction.atomic
def network_create(*, organisation, by, **fields) -> Network:
    _check(by, organisation)
    return _save_network(Network(organisation=organisation, **_fields(fields, NETWORK_FIELDS)))


@transaction.atomic
def network_update(*, network: Network, by, **fields) -> Network:
    _check(by, network.organisation)
    network = Network.objects.select_for_update().get(pk=network.pk)
    for name, value in _fields(fields, NETWORK_FIELDS).items():
        setattr(network, name, value)
    return _save_network(network)


@transaction.atomic
def network_delete(*, network: Network, by) -> None:
    """Its scores go with it; its watch items stay, without a source network."""
    _check(by, network.organisation)
    network.delete()


@transaction.atomic
def network_score_set(*, network: Network, scores: Iterable[tuple[NetworkCriterion, int | None, str]], by) -> None:
    """The whole grid of one network: a score is created, changed, or deleted when left blank."""
    _check(by, network.organisation)
    scores = list(scores)
    if any(criterion.organisation_id != network.organisation_id for criterion, _score, _comment in scores):
        raise ValidationError(_("Critère inconnu pour cette organisation."))
    existing = {s.criterion_id: s for s in NetworkScore.objects.select_for_update().filter(network=network)}
    errors = {}
    for criterion, value, comment in scores:
        row = existing.get(criterion.pk)
        if value is None:
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = NetworkScore(organisation=network.organisation, network=network, criterion=criterion)
        row.score, row.comment = value, comment or ""
        try:
            row.full_clean()
        except ValidationError as error:
            errors[f"score_{criterion.pk}"] = error.messages
            continue
        row.save()
    if errors:
        raise ValidationError(errors)


def _save_criterion(criterion: NetworkCriterion) -> NetworkCriterion:
    if _taken(for_org(NetworkCriterion, criterion.organisation).exclude(pk=criterion.pk), "label", criterion.label):
        raise ValidationError({"label": _("Un critère porte déjà cet intitulé.")})
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_create(*, organisation, by, **fields) -> NetworkCriterion:
    _check(by, organisation)
    return _save_criterion(NetworkCriterion(organisation=organisation, **_fields(fields, CRITERION_FIELDS)))


@transaction.atomic
def criterion_update(*, criterion: NetworkCriterion, by, **fields) -> NetworkCriterion:
    _check(by, criterion.organisation)
    criterion = NetworkCriterion.objects.select_for_update().get(pk=criterion.pk)
    for name, value in _fields(fields, CRITERION_FIELDS).items():
        setattr(criterion, name, value)
    return _save_criterion(criterion)


@transaction.atomic
def criterion_delete(*, criterion: NetworkCriterion, by) -> int:
    """The criterion and every score given on it; returns how many scores went."""
    _check(by, criterion.organisation)
    removed = NetworkScore.objects.filter(criterion=criterion).count()
    criterion.delete()
    return removed
