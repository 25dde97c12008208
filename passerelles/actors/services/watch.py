"""Writes of the watch on networks (P3.8), and the weekly digest. Keyword-only, one transaction each."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from passerelles.actors.enums import SubscriberKind
from passerelles.actors.models import Network, WatchDigest, WatchItem, WatchSubscription
from passerelles.actors.selectors import watch as selectors
from passerelles.core import permissions
from passerelles.core.models import Directorate, Territory

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _scoped(organisation, rows, model, field_name: str) -> list:
    rows = list(rows or [])
    if any(not isinstance(row, model) or row.organisation_id != organisation.pk for row in rows):
        raise ValidationError({field_name: _("Choix inconnu pour cette organisation.")})
    return rows


def _orientations(organisation, numbers) -> list[int]:
    known = {number for number, _label in selectors.orientation_choices(organisation=organisation)}
    try:
        numbers = sorted({int(n) for n in numbers or []})
    except (TypeError, ValueError) as exc:
        raise ValidationError({"orientations": _("Numéro d'orientation non valide.")}) from exc
    unknown = [n for n in numbers if n not in known]
    if unknown:
        raise ValidationError(
            {
                "orientations": _("Orientation inconnue dans la stratégie adoptée : %(numbers)s.")
                % {"numbers": ", ".join(str(n) for n in unknown[:5])}
            }
        )
    return numbers


def _tags(obj, organisation, *, orientations, themes, territories) -> list:
    obj.orientations = _orientations(organisation, orientations)
    obj.themes = list(dict.fromkeys(themes or []))
    return _scoped(organisation, territories, Territory, "territories")


# -- items ------------------------------------------------------------------------------------------

ITEM_FIELDS = ("title", "network", "url", "summary", "published_on")


def _save_item(item: WatchItem, *, orientations, themes, territories) -> WatchItem:
    if item.network_id and item.network.organisation_id != item.organisation_id:
        raise ValidationError({"network": _("Choix inconnu pour cette organisation.")})
    territories = _tags(item, item.organisation, orientations=orientations, themes=themes, territories=territories)
    item.full_clean()
    item.save()
    item.territories.set(territories)
    return item


@transaction.atomic
def item_create(
    *, organisation, user, orientations=(), themes=(), territories=(), network: Network | None = None, **fields
) -> WatchItem:
    _check(permissions.can_edit_watch(user, organisation))
    item = WatchItem(organisation=organisation, created_by=user, network=network, **_only(fields, ITEM_FIELDS))
    return _save_item(item, orientations=orientations, themes=themes, territories=territories)


@transaction.atomic
def item_update(*, item: WatchItem, user, orientations=(), themes=(), territories=(), **fields) -> WatchItem:
    _check(permissions.can_edit_watch(user, item.organisation))
    item = WatchItem.objects.select_for_update().get(pk=item.pk)
    for name, value in _only(fields, ITEM_FIELDS).items():
        setattr(item, name, value)
    return _save_item(item, orientations=orientations, themes=themes, territories=territories)


@transaction.atomic
def item_delete(*, item: WatchItem, user) -> None:
    _check(permissions.can_edit_watch(user, item.organisation))
    item.delete()


def _only(fields: dict, allowed) -> dict:
    return {name: value for name, value in fields.items() if name in allowed}


# -- subscriptions ----------------------------------------------------------------------------------

SUBSCRIPTION_FIELDS = ("kind", "label", "email")


def _save_subscription(subscription: WatchSubscription, *, orientations, themes, territories) -> WatchSubscription:
    organisation = subscription.organisation
    directorate = subscription.directorate
    if directorate is not None and directorate.organisation_id != organisation.pk:
        raise ValidationError({"directorate": _("Choix inconnu pour cette organisation.")})
    if subscription.kind == SubscriberKind.DIRECTORATE and directorate is None:
        raise ValidationError({"directorate": _("Choisissez la direction abonnée.")})
    subscription.label = (subscription.label or "").strip() or (directorate.name if directorate else "")
    subscription.email = (subscription.email or "").strip().lower()
    clash = WatchSubscription.objects.filter(organisation=organisation, email__iexact=subscription.email)
    if subscription.pk:
        clash = clash.exclude(pk=subscription.pk)
    if subscription.email and clash.exists():
        raise ValidationError({"email": _("Cette adresse est déjà abonnée.")})
    territories = _tags(subscription, organisation, orientations=orientations, themes=themes, territories=territories)
    subscription.full_clean()
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError as exc:  # a concurrent save took the address in between
        raise ValidationError({"email": _("Cette adresse est déjà abonnée.")}) from exc
    subscription.territories.set(territories)
    return subscription


@transaction.atomic
def subscription_create(
    *,
    organisation,
    user,
    directorate: Directorate | None = None,
    orientations=(),
    themes=(),
    territories=(),
    **fields,
) -> WatchSubscription:
    _check(permissions.can_manage_watch_subscriptions(user, organisation))
    subscription = WatchSubscription(
        organisation=organisation, directorate=directorate, **_only(fields, SUBSCRIPTION_FIELDS)
    )
    return _save_subscription(subscription, orientations=orientations, themes=themes, territories=territories)


@transaction.atomic
def subscription_update(
    *,
    subscription: WatchSubscription,
    user,
    directorate: Directorate | None = None,
    orientations=(),
    themes=(),
    territories=(),
    **fields,
) -> WatchSubscription:
    _check(permissions.can_manage_watch_subscriptions(user, subscription.organisation))
    subscription = WatchSubscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.directorate = directorate
    for name, value in _only(fields, SUBSCRIPTION_FIELDS).items():
        setattr(subscription, name, value)
    return _save_subscription(subscription, orientations=orientations, themes=themes, territories=territories)


def _set_active(subscription: WatchSubscription, active: bool) -> WatchSubscription:
    subscription = WatchSubscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.is_active != active:
        subscription.is_active = active
        subscription.unsubscribed_at = None if active else timezone.now()
        subscription.save(update_fields=["is_active", "unsubscribed_at"])
    return subscription


@transaction.atomic
def subscription_set_active(*, subscription: WatchSubscription, user, active: bool) -> WatchSubscription:
    _check(permissions.can_manage_watch_subscriptions(user, subscription.organisation))
    return _set_active(subscription, active)


@transaction.atomic
def unsubscribe(*, subscription: WatchSubscription) -> WatchSubscription:
    """The holder of the link's token (the recipient) stops the digest: no login, only this subscription."""
    return _set_active(subscription, False)


@transaction.atomic
def resubscribe(*, subscription: WatchSubscription) -> WatchSubscription:
    return _set_active(subscription, True)


# -- the weekly digest ------------------------------------------------------------------------------


@dataclass
class DigestSummary:
    examined: int = 0
    sent: int = 0
    items: int = 0
    skipped_empty: int = 0
    already_sent: int = 0
    failed: int = 0


def base_url() -> str:
    return getattr(settings, "PUBLIC_BASE_URL", DEFAULT_BASE_URL).rstrip("/")


def unsubscribe_url(subscription: WatchSubscription) -> str:
    return base_url() + reverse("watch_public:unsubscribe", args=[subscription.token])


def digest_subject(digest: selectors.Digest) -> str:
    organisation = digest.subscription.organisation
    return _("Veille des réseaux — %(organisation)s — semaine %(week)s") % {
        "organisation": organisation.name,
        "week": digest.week,
    }


def digest_context(digest: selectors.Digest) -> dict:
    organisation = digest.subscription.organisation
    orientations = selectors.orientation_labels(organisation=organisation)
    return {
        "digest": digest,
        "items": selectors.label_tags(digest.items, orientations=orientations),
        "subscription": digest.subscription,
        "organisation_name": organisation.name,
        "unsubscribe_url": unsubscribe_url(digest.subscription),
        "subject": digest_subject(digest),
    }


def render_digest(digest: selectors.Digest) -> tuple[str, str, str]:
    """(subject, plain text, HTML): the exact email, for the job and for the preview."""
    context = digest_context(digest)
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("actors/watch/email/digest.txt", context)
        html = render_to_string("actors/watch/email/digest.html", context)
    return context["subject"], text, html


def _message(digest: selectors.Digest) -> EmailMultiAlternatives:
    subject, text, html = render_digest(digest)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[digest.subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url(digest.subscription)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _send_one(subscription_pk: int, *, now: datetime.datetime, items: list, dry_run: bool) -> tuple[str, int]:
    """Send one subscription's digest; the lock and the unique (subscription, week) keep it once a week."""
    with transaction.atomic():
        subscription = (
            WatchSubscription.objects.select_for_update()
            .select_related("organisation")
            .prefetch_related("territories")
            .filter(pk=subscription_pk, is_active=True)
            .first()
        )
        if subscription is None:
            return "skipped", 0
        week = selectors.iso_week(now)
        if subscription.digests.filter(week=week).exists():
            return "already", 0
        digest = selectors.digest_for(subscription, now=now, items=items)
        if not digest.items:
            return "empty", 0
        if dry_run:
            return "sent", len(digest.items)
        try:
            with transaction.atomic():
                WatchDigest.objects.create(
                    organisation=subscription.organisation,
                    subscription=subscription,
                    week=week,
                    sent_at=now,
                    item_count=len(digest.items),
                )
        except IntegrityError:  # another run recorded this week's digest first
            return "already", 0
        subscription.last_sent_at = now
        subscription.save(update_fields=["last_sent_at"])
        # Sent inside the transaction: if the mail server refuses it, the digest is not recorded and the next
        # run tries again; a row recorded for a mail never sent would silence the subscriber for the week.
        _message(digest).send()
        return "sent", len(digest.items)


def send_weekly_digests(*, now=None, organisation=None, dry_run: bool = False) -> DigestSummary:
    """For each active subscription: the items created since its last digest that match its tags, in one email.

    Nothing new, nothing sent. A second run in the same ISO week sends nothing. `dry_run` writes and sends nothing.
    """
    now = now or timezone.now()
    summary = DigestSummary()
    subscriptions = WatchSubscription.objects.filter(is_active=True).select_related("organisation")
    if organisation is not None:
        subscriptions = subscriptions.filter(organisation=organisation)
    by_organisation: dict[int, list[WatchSubscription]] = {}
    for subscription in subscriptions.order_by("organisation_id", "pk"):
        by_organisation.setdefault(subscription.organisation_id, []).append(subscription)
    for group in by_organisation.values():
        since = min(selectors.window_start(s, now) for s in group)
        items = selectors.recent_items(organisation=group[0].organisation, since=since, until=now)
        for subscription in group:
            summary.examined += 1
            try:
                outcome, count = _send_one(subscription.pk, now=now, items=items, dry_run=dry_run)
            except Exception:  # one failing address must not stop the others
                logger.exception("Watch digest not sent to subscription %s", subscription.pk)
                summary.failed += 1
                continue
            if outcome == "sent":
                summary.sent += 1
                summary.items += count
            elif outcome == "empty":
                summary.skipped_empty += 1
            elif outcome == "already":
                summary.already_sent += 1
    return summary
