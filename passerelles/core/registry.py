"""What core asks of the domain apps without importing them.

Core is the bottom layer: it imports no domain app (docs/design.md, "Layering", checked by `lint-imports`). Where it
needs something only a domain app knows, it offers a slot here and the app fills it in its `AppConfig.ready()`. An
empty slot is a valid state: an app that is not installed contributes nothing.
"""

from collections.abc import Callable, Iterable
from typing import Any

# `manage.py export NAME`: name -> function(*, organisation) returning (filename stem, header, rows, title).
_command_exports: dict[str, Callable[..., tuple]] = {}
# Where `/` sends a signed-in user who is a member of no organisation: app label -> function(user) returning a URL
# or None. Asked in app label order; the first URL wins.
_homes_without_membership: dict[str, Callable[[Any], str | None]] = {}
# The reviews of a user in an organisation: function(*, user, organisation) returning
# (application id, has_conflict, submitted_at) rows. Read by `core.permissions.own_review_states`.
_review_rows: Callable[..., Iterable[tuple]] | None = None


def register_command_export(name: str, function: Callable[..., tuple]) -> None:
    _command_exports[name] = function


def command_exports() -> dict[str, Callable[..., tuple]]:
    return dict(_command_exports)


def register_home_without_membership(app_label: str, function: Callable[[Any], str | None]) -> None:
    _homes_without_membership[app_label] = function


def home_without_membership(user) -> str | None:
    """The page of a user without membership, as the first app that has one for him says; None when none has."""
    for _label, function in sorted(_homes_without_membership.items()):
        url = function(user)
        if url:
            return url
    return None


def register_review_rows(function: Callable[..., Iterable[tuple]]) -> None:
    global _review_rows
    _review_rows = function


def review_rows(*, user, organisation) -> Iterable[tuple]:
    if _review_rows is None:
        return ()
    return _review_rows(user=user, organisation=organisation)
