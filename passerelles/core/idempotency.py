"""No duplicate on double submit: every creation form carries a token, claimed once.

- `{% form_token %}` (template library `idempotency`) writes a hidden `form_token` field: a random value signed with
  the user's id, new at each render of the form.
- `@idempotent` on a creation view claims the token on POST, by inserting a `SubmissionToken` row in the request's
  transaction (ATOMIC_REQUESTS): the unique constraint does the work, even for two requests at the same instant (the
  second waits for the first's transaction, then fails to insert).
  - first submission: the view runs; if it succeeds (a redirect), the token remembers where it led; if it answers the
    form again (invalid input), the claim is dropped so the corrected form can be sent with the same token;
  - same token again: the view does not run; the user is sent where the first submission led, with the message
    "Ce formulaire a déjà été envoyé.";
  - a forged token, or one rendered for another user: refused with a message, nothing saved;
  - no token at all (a page rendered before this mechanism, a script): accepted, without protection. See
    docs/design.md.
- `purge_expired()` (command `purge_form_tokens`) deletes tokens older than `TOKEN_DAYS` days.
"""

from __future__ import annotations

import datetime
import functools
import secrets

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.core.models import SubmissionToken

FIELD = "form_token"
TOKEN_DAYS = 7
_SALT = "passerelles.core.idempotency"


def _owner(user) -> str:
    return str(user.pk) if user is not None and user.is_authenticated else "-"


def new_token(user) -> str:
    """A fresh token for one render of a form, bound to `user` (anonymous visitors share the owner '-')."""
    return signing.Signer(salt=_SALT).sign(f"{_owner(user)}:{secrets.token_urlsafe(18)}")


def token_is_valid(token: str, user) -> bool:
    """True when `token` was signed here for `user`."""
    try:
        value = signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return False
    owner, _sep, _random = value.partition(":")
    return owner == _owner(user)


def _succeeded(response) -> bool:
    return 300 <= response.status_code < 400 or "HX-Redirect" in response


def _where(response) -> str:
    return response.get("HX-Redirect") or response.get("Location") or ""


def idempotent(view):
    """Make a creation view answer a second POST of the same rendered form with the first one's outcome."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        token = request.POST.get(FIELD) if request.method == "POST" else None
        if not token:
            return view(request, *args, **kwargs)
        if len(token) > SubmissionToken._meta.get_field("token").max_length or not token_is_valid(token, request.user):
            messages.error(
                request,
                _("Ce formulaire n'est plus valide : rien n'a été enregistré. Saisissez-le à nouveau."),
            )
            return redirect(request.get_full_path())
        user = request.user if request.user.is_authenticated else None
        try:
            with transaction.atomic():
                claim = SubmissionToken.objects.create(token=token, user=user)
        except IntegrityError:
            first = SubmissionToken.objects.filter(token=token).first()
            messages.info(request, _("Ce formulaire a déjà été envoyé."))
            return redirect(first.response_url if first and first.response_url else request.get_full_path())
        response = view(request, *args, **kwargs)
        if _succeeded(response):
            SubmissionToken.objects.filter(pk=claim.pk).update(response_url=_where(response)[:2000])
        else:
            claim.delete()
        return response

    wrapper.idempotent = True
    return wrapper


def is_idempotent(view) -> bool:
    """True when `view` (or a view it wraps) is decorated with `@idempotent`."""
    while view is not None:
        if getattr(view, "idempotent", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def purge_expired(*, now: datetime.datetime | None = None, days: int = TOKEN_DAYS) -> int:
    """Delete the tokens claimed more than `days` days before `now`; returns how many."""
    now = now or timezone.now()
    deleted, _detail = SubmissionToken.objects.filter(created_at__lt=now - datetime.timedelta(days=days)).delete()
    return deleted
