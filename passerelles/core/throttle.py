"""Login throttling: too many failures for one account, or from one address, lock further attempts for a while.

Failures are rows (`LoginFailure`), counted in a sliding window, so the count holds across processes. While locked,
an attempt is refused before the password is checked and is not counted: the lock ends at a fixed time that the
login page announces, and an attacker cannot stretch it. A successful login clears the account's failures. An
organisation admin lifts the lock of one of its members from the members page (`services.account_unlock`), the
platform operator with `manage.py unlock_login`.

Password-reset requests are counted the same way (kind "reset"), per address and per email, so the form cannot be
used to flood someone's mailbox.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from passerelles.core.models import LoginFailure

DEFAULTS = {
    "WINDOW_SECONDS": 15 * 60,  # the sliding window, which is also the longest lock
    "ACCOUNT_LIMIT": 5,  # failures for one account (whatever the address)
    "ADDRESS_LIMIT": 20,  # failures from one address (whatever the accounts)
    "RESET_ACCOUNT_LIMIT": 3,  # password-reset requests for one email
    "RESET_ADDRESS_LIMIT": 10,  # password-reset requests from one address
}


def _setting(name: str) -> int:
    return int(getattr(settings, "LOGIN_THROTTLE", {}).get(name, DEFAULTS[name]))


def window() -> timedelta:
    return timedelta(seconds=_setting("WINDOW_SECONDS"))


@dataclass(frozen=True)
class Lock:
    until: datetime

    @property
    def minutes(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))

    @property
    def message(self) -> str:
        minutes = self.minutes
        return ngettext(
            "Trop de tentatives infructueuses. Par sécurité, la connexion est bloquée : réessayez dans %(minutes)d "
            "minute.",
            "Trop de tentatives infructueuses. Par sécurité, la connexion est bloquée : réessayez dans %(minutes)d "
            "minutes.",
            minutes,
        ) % {"minutes": minutes}

    @property
    def reset_message(self) -> str:
        minutes = self.minutes
        return ngettext(
            "Trop de demandes de réinitialisation. Réessayez dans %(minutes)d minute.",
            "Trop de demandes de réinitialisation. Réessayez dans %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}


def _lock_from(queryset, limit: int) -> Lock | None:
    """Locked while `limit` failures fall within the window: until the oldest of them leaves it."""
    if limit <= 0:
        return None
    since = timezone.now() - window()
    times = list(
        queryset.filter(created_at__gt=since).order_by("-created_at").values_list("created_at", flat=True)[:limit]
    )
    if len(times) < limit:
        return None
    return Lock(until=times[-1] + window())


def _latest(*locks: Lock | None) -> Lock | None:
    found = [lock for lock in locks if lock is not None]
    return max(found, key=lambda lock: lock.until) if found else None


def normalise(username: str | None) -> str:
    return (username or "").strip().lower()[:254]


def login_lock(*, username: str | None, ip: str | None, kind: str = LoginFailure.Kind.LOGIN) -> Lock | None:
    """The lock in force for this account or this address, if any."""
    prefix = "RESET_" if kind == LoginFailure.Kind.RESET else ""
    events = LoginFailure.objects.filter(kind=kind)
    username = normalise(username)
    by_account = _lock_from(events.filter(username=username), _setting(prefix + "ACCOUNT_LIMIT")) if username else None
    by_address = _lock_from(events.filter(ip_address=ip), _setting(prefix + "ADDRESS_LIMIT")) if ip else None
    return _latest(by_account, by_address)


def account_lock(*, email: str) -> Lock | None:
    """The lock on one account only (what an admin can lift), for the members pages."""
    username = normalise(email)
    events = LoginFailure.objects.filter(kind=LoginFailure.Kind.LOGIN, username=username)
    return _lock_from(events, _setting("ACCOUNT_LIMIT"))


def locked_accounts(*, emails) -> set[str]:
    """Which of these accounts are locked now: one query, for the members list."""
    from django.db.models import Count

    since = timezone.now() - window()
    rows = (
        LoginFailure.objects.filter(kind=LoginFailure.Kind.LOGIN, created_at__gt=since, username__in=list(emails))
        .values("username")
        .annotate(failures=Count("id"))
        .filter(failures__gte=_setting("ACCOUNT_LIMIT"))
    )
    return {row["username"] for row in rows}


def record(*, username: str | None, ip: str | None, kind: str = LoginFailure.Kind.LOGIN) -> None:
    now = timezone.now()
    # Rows that left the window count for nothing: drop them as new ones come in (an indexed range delete).
    LoginFailure.objects.filter(created_at__lt=now - window()).delete()
    LoginFailure.objects.create(kind=kind, username=normalise(username), ip_address=ip, created_at=now)


def clear_account(*, username: str) -> int:
    deleted, _ = LoginFailure.objects.filter(kind=LoginFailure.Kind.LOGIN, username=normalise(username)).delete()
    return deleted


def clear_address(*, ip: str) -> int:
    deleted, _ = LoginFailure.objects.filter(kind=LoginFailure.Kind.LOGIN, ip_address=ip).delete()
    return deleted
