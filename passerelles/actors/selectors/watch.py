"""Reads of the watch on networks (P3.8): items, subscriptions and what a digest would hold."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import Theme
from passerelles.actors.models import Network, WatchItem, WatchSubscription
from passerelles.core.models import Directorate, Territory
from passerelles.core.tenancy import for_org, get_for_org_or_404
from passerelles.strategy.selectors import current_document

DEFAULT_WINDOW = datetime.timedelta(days=7)


def get_item_or_404(organisation, pk) -> WatchItem:
    return get_for_org_or_404(WatchItem, organisation, pk)


def get_subscription_or_404(organisation, pk) -> WatchSubscription:
    return get_for_org_or_404(WatchSubscription.objects.select_related("directorate"), organisation, pk)


# -- choices ----------------------------------------------------------------------------------------


def orientation_choices(*, organisation) -> list[tuple[int, str]]:
    """The orientations of the adopted strategy (failing that, the latest version): (number, "n. title")."""
    document = current_document(organisation=organisation)
    if document is None:
        return []
    return [(o.number, f"{o.number}. {o.title}") for o in document.orientations.order_by("number")]


def territories(*, organisation) -> QuerySet[Territory]:
    return for_org(Territory, organisation).order_by("name")


def networks(*, organisation) -> QuerySet[Network]:
    return for_org(Network, organisation).order_by("name")


def directorates(*, organisation) -> QuerySet[Directorate]:
    return for_org(Directorate, organisation).order_by("name")


# -- items ------------------------------------------------------------------------------------------


def json_int_member(field_name: str, number: int) -> Q:
    """`number` is in the JSON list of ints `field_name`: a text match portable between SQLite and PostgreSQL.

    Both store a list as "[1, 12]"; matching the delimiters keeps 1 from matching 12.
    """
    q = Q()
    for pattern in (f"[{number}]", f"[{number},", f" {number},", f" {number}]"):
        q |= Q(**{f"{field_name}__icontains": pattern})
    return q


def item_list(
    *,
    organisation,
    text: str = "",
    network=None,
    orientation: int | None = None,
    theme: str | None = None,
    territory=None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[WatchItem]:
    items = for_org(WatchItem, organisation)
    if text:
        items = items.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    if network is not None:
        items = items.filter(network=network)
    if orientation is not None:
        items = items.filter(json_int_member("orientations", orientation))
    if theme:
        items = items.filter(themes__icontains=f'"{theme}"')
    if territory is not None:
        items = items.filter(territories=territory)
    if date_from:
        items = items.filter(published_on__gte=date_from)
    if date_to:
        items = items.filter(published_on__lte=date_to)
    return (
        items.select_related("network")
        .prefetch_related(Prefetch("territories", queryset=Territory.objects.only("pk", "name").order_by("name")))
        .distinct()
        .order_by("-published_on", "-pk")
    )


def orientation_labels(*, organisation) -> dict[int, str]:
    return dict(orientation_choices(organisation=organisation))


def theme_labels(themes) -> list[str]:
    labels = dict(Theme.choices)
    return [str(labels[t]) for t in themes if t in labels]


def label_tags(objects, *, orientations: dict[int, str]) -> list:
    """Give items or subscriptions `orientation_tags` and `theme_tags` (display labels) for their badges."""
    objects = list(objects)
    for obj in objects:
        obj.orientation_tags = [orientations.get(n, str(n)) for n in obj.orientations]
        obj.theme_tags = theme_labels(obj.themes)
    return objects


def export_header() -> list[str]:
    return [
        str(h)
        for h in (
            _("Date"),
            _("Titre"),
            _("Réseau source"),
            _("Lien"),
            _("Résumé"),
            _("Orientations"),
            _("Thématiques"),
            _("Territoires"),
        )
    ]


def export_rows(items, *, orientations: dict[int, str]):
    for item in items:
        yield [
            item.published_on.isoformat(),
            item.title,
            item.network.name if item.network else "",
            item.url,
            item.summary,
            ", ".join(orientations.get(n, str(n)) for n in item.orientations),
            ", ".join(item.theme_labels),
            ", ".join(t.name for t in item.territories.all()),
        ]


# -- subscriptions ----------------------------------------------------------------------------------


def subscription_list(
    *, organisation, text: str = "", kind: str | None = None, directorate=None, active: bool | None = None
) -> QuerySet[WatchSubscription]:
    subscriptions = for_org(WatchSubscription, organisation)
    if text:
        subscriptions = subscriptions.filter(Q(label__icontains=text) | Q(email__icontains=text))
    if kind:
        subscriptions = subscriptions.filter(kind=kind)
    if directorate is not None:
        subscriptions = subscriptions.filter(directorate=directorate)
    if active is not None:
        subscriptions = subscriptions.filter(is_active=active)
    return (
        subscriptions.select_related("directorate")
        .prefetch_related(Prefetch("territories", queryset=Territory.objects.only("pk", "name").order_by("name")))
        .order_by("-is_active", "label", "pk")
    )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def subscriptions_header() -> list[str]:
    return [
        str(h)
        for h in (
            _("Intitulé"),
            _("Destinataire"),
            _("Direction"),
            _("Adresse électronique"),
            _("Orientations"),
            _("Thématiques"),
            _("Territoires"),
            _("Active"),
            _("Dernier envoi"),
        )
    ]


def subscriptions_rows(subscriptions, *, orientations: dict[int, str]):
    for subscription in subscriptions:
        yield [
            subscription.label,
            subscription.get_kind_display(),
            subscription.directorate.name if subscription.directorate else "",
            subscription.email,
            ", ".join(orientations.get(n, str(n)) for n in subscription.orientations),
            ", ".join(theme_labels(subscription.themes)),
            ", ".join(t.name for t in subscription.territories.all()),
            _("oui") if subscription.is_active else _("non"),
            timezone.localtime(subscription.last_sent_at).strftime("%Y-%m-%d %H:%M")
            if subscription.last_sent_at
            else "",
        ]


# -- the digest: which items a subscription gets ------------------------------------------------------


@dataclass
class Digest:
    subscription: WatchSubscription
    week: str
    since: datetime.datetime
    items: list = field(default_factory=list)


def iso_week(moment: datetime.datetime) -> str:
    year, week, _day = timezone.localtime(moment).isocalendar()
    return f"{year}-W{week:02}"


def window_start(subscription: WatchSubscription, now: datetime.datetime) -> datetime.datetime:
    return subscription.last_sent_at or now - DEFAULT_WINDOW


def matches(item: WatchItem, subscription: WatchSubscription, subscription_territories: set[int]) -> bool:
    """No tag at all: everything. Otherwise one shared orientation, theme or territory is enough."""
    if not (subscription.orientations or subscription.themes or subscription_territories):
        return True
    if set(item.orientations) & set(subscription.orientations):
        return True
    if set(item.themes) & set(subscription.themes):
        return True
    return bool({t.pk for t in item.territories.all()} & subscription_territories)


def recent_items(*, organisation, since: datetime.datetime, until: datetime.datetime) -> list[WatchItem]:
    return list(
        for_org(WatchItem, organisation)
        .filter(created_at__gt=since, created_at__lte=until)
        .select_related("network")
        .prefetch_related(Prefetch("territories", queryset=Territory.objects.only("pk", "name").order_by("name")))
        .order_by("-published_on", "-pk")
    )


def digest_for(subscription: WatchSubscription, *, now: datetime.datetime, items: list[WatchItem]) -> Digest:
    """What this subscription gets from `items` (already fetched for the widest window of its organisation)."""
    since = window_start(subscription, now)
    own_territories = {t.pk for t in subscription.territories.all()}
    chosen = [i for i in items if since < i.created_at <= now and matches(i, subscription, own_territories)]
    return Digest(subscription=subscription, week=iso_week(now), since=since, items=chosen)


def preview(*, subscription: WatchSubscription, now: datetime.datetime | None = None) -> Digest:
    now = now or timezone.now()
    items = recent_items(organisation=subscription.organisation, since=window_start(subscription, now), until=now)
    return digest_for(subscription, now=now, items=items)
