"""Reads of the actors' accounts: the register of personal-data requests, and an account's own entries."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from passerelles.actors.models import Actor, PersonalDataRequest
from passerelles.core.tenancy import for_org

# The fields of an entry that are personal data (the rest describes an organisation).
PERSONAL_FIELDS = ("contact_email", "contact_phone", "contact_consent_at", "account_request_email")


def data_requests(*, organisation, kind: str | None = None) -> QuerySet[PersonalDataRequest]:
    requests = for_org(PersonalDataRequest, organisation)
    if kind:
        requests = requests.filter(kind=kind)
    return requests.order_by("-requested_at", "-pk")


def data_requests_header() -> list[str]:
    return [_("Demande"), _("Acteur"), _("Demandée le"), _("Traitée le"), _("Ce qui a été fait")]


def data_requests_rows(requests):
    for request in requests:
        yield [
            request.get_kind_display(),
            request.actor_name,
            request.requested_at.strftime("%Y-%m-%d %H:%M"),
            request.completed_at.strftime("%Y-%m-%d %H:%M") if request.completed_at else "",
            request.summary,
        ]


# -- the space of an actor's account: no organisation, only the entries linked to the user ------------------


def own_actors(*, user) -> QuerySet[Actor]:
    """Every entry linked to the account, across organisations."""
    return (
        Actor.objects.filter(account=user).select_related("organisation").order_by("organisation__name", "name", "pk")
    )


def has_own_actors(*, user) -> bool:
    return user.is_authenticated and Actor.objects.filter(account=user).exists()


def get_own_actor_or_404(user, pk) -> Actor:
    """404 for a missing entry and for another account's entry alike."""
    try:
        return own_actors(user=user).get(pk=int(pk))
    except (ValueError, TypeError, OverflowError, Actor.DoesNotExist) as exc:
        raise Http404 from exc


def personal_data(*, user) -> dict:
    """All the personal data held about an account: the account, its entries' contact fields and their history.

    Three queries whatever the number of entries and history rows.
    """
    actors = list(own_actors(user=user))
    history = (
        Actor.history.filter(id__in=[a.pk for a in actors])
        .order_by("id", "history_date", "history_id")
        .values("id", "history_date", "history_type", "contact_role", *PERSONAL_FIELDS)
    )
    rows_by_actor: dict[int, list] = {}
    for row in history:
        rows_by_actor.setdefault(row["id"], []).append(row)

    def _date(value):
        return value.isoformat() if value else None

    kinds = {"+": "création", "~": "modification", "-": "suppression"}
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": _date(user.date_joined),
            "last_login": _date(user.last_login),
        },
        "entries": [
            {
                "organisation": actor.organisation.name,
                "name": actor.name,
                "contact_role": actor.contact_role,
                "contact_email": actor.contact_email,
                "contact_phone": actor.contact_phone,
                "contact_consent_at": _date(actor.contact_consent_at),
                "account_request_email": actor.account_request_email,
                "history": [
                    {
                        "date": _date(row["history_date"]),
                        "change": kinds.get(row["history_type"], row["history_type"]),
                        "contact_role": row["contact_role"],
                        "contact_email": row["contact_email"],
                        "contact_phone": row["contact_phone"],
                        "contact_consent_at": _date(row["contact_consent_at"]),
                        "account_request_email": row["account_request_email"],
                    }
                    for row in rows_by_actor.get(actor.pk, [])
                ],
            }
            for actor in actors
        ],
    }
