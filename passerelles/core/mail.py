"""The emails the services write: rendered with the write, sent once it commits (a rolled-back write sends none).

One door for every app (steering, actors, calls and core itself); jobs that must know whether the mail server took
the message (the watch digest) and messages with attachments (the application receipt) build theirs by hand.
"""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from passerelles.core.enums import Role
from passerelles.core.models import Membership


def send_on_commit(*, to, subject: str, template: str, context: dict) -> bool:
    """Render the plain-text `template` now and send it to the non-empty addresses of `to` on commit.

    False, and nothing rendered nor sent, when no address is left.
    """
    recipients = [address for address in to if address]
    if not recipients:
        return False
    body = render_to_string(template, context)
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))
    return True


def officer_emails(organisation) -> list[str]:
    """The addresses of the organisation's active administrators and officers (active accounts), sorted."""
    return sorted(
        Membership.objects.filter(
            organisation=organisation, is_active=True, user__is_active=True, role__in=(Role.ADMIN, Role.OFFICER)
        ).values_list("user__email", flat=True)
    )
