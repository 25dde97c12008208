"""Writes of the actors' accounts: invitation, removal, and the account's own requests (edit, export, erasure).

An actor's account is a `User` with no membership: it reaches its own entries only, through the actor space.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from passerelles.actors.enums import DataRequestKind, ModerationStatus
from passerelles.actors.models import Actor, PersonalDataRequest
from passerelles.actors.selectors.accounts import own_actors, personal_data
from passerelles.actors.services.directory import _apply_consent
from passerelles.core import permissions
from passerelles.core.mail import send_on_commit
from passerelles.core.services import _set_password_url

User = get_user_model()

# What the account may change in its own entry: never moderation, projects, partner territories or the map.
OWN_FIELDS = (
    "name",
    "description",
    "website",
    "address",
    "commune",
    "themes",
    "countries",
    "siret",
    "rna",
    "contact_role",
    "contact_email",
    "contact_phone",
    "is_public",
)


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _invitation_link(*, user, base_url: str, new_account: bool, next_url: str = "") -> str:
    """The set-password link (or the space, for an account that already has a password); with `next_url`, a page
    of this site (the call the actor registered from) where the account lands once its password is chosen."""
    if new_account or not user.has_usable_password():
        link = _set_password_url(user, base_url)
        return f"{link}?{urlencode({'next': next_url})}" if next_url else link
    return base_url.rstrip("/") + (next_url or reverse("actor_space:home"))


def _send_invitation(*, actor: Actor, user, base_url: str, new_account: bool, next_url: str = "") -> None:
    context = {
        "organisation": actor.organisation,
        "actor_name": actor.name,
        "link": _invitation_link(user=user, base_url=base_url, new_account=new_account, next_url=next_url),
        "new_account": new_account or not user.has_usable_password(),
        "back_to_call": bool(next_url),
    }
    send_on_commit(
        to=[user.email],
        subject=_("Votre compte pour la fiche « %(name)s » sur Passerelles") % {"name": actor.name},
        template="actors/accounts/emails/account_invitation.txt",
        context=context,
    )


@transaction.atomic
def actor_account_invite(*, actor: Actor, email: str, by, base_url: str) -> Actor:
    """Link an account to the entry (created without any membership) and email it a set-password link."""
    _check(permissions.can_invite_actor_account(by, actor.organisation))
    actor = Actor.objects.select_for_update(of=("self",)).select_related("account", "organisation").get(pk=actor.pk)
    email = (email or "").strip().lower()
    if actor.moderation_status == ModerationStatus.REJECTED:
        raise ValidationError({"email": _("Cette fiche a été refusée : elle ne peut pas recevoir de compte.")})
    if actor.account_id is not None and actor.account.email.lower() != email:
        raise ValidationError(
            {"email": _("Cette fiche est déjà reliée à un autre compte : retirez d'abord ce compte.")},
            code="already_linked",
        )
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif not user.is_active:
        raise ValidationError({"email": _("Le compte de cette adresse est désactivé.")})
    # A member of the staff may also hold an actor's account; it is never given a membership here.
    next_url = actor.account_request_next
    actor.account = user
    actor.account_request_email = ""
    actor.account_request_next = ""
    actor._history_user = by
    actor.full_clean()
    actor.save(update_fields=["account", "account_request_email", "account_request_next", "updated_at"])
    _send_invitation(actor=actor, user=user, base_url=base_url, new_account=created, next_url=next_url)
    return actor


@transaction.atomic
def actor_account_revoke(*, actor: Actor, by) -> Actor:
    """Unlink the account from the entry; the account itself stays (it may hold other entries)."""
    _check(permissions.can_invite_actor_account(by, actor.organisation))
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    if actor.account_id is None:
        raise ValidationError(_("Aucun compte n'est relié à cette fiche."), code="no_account")
    actor.account = None
    actor._history_user = by
    actor.save(update_fields=["account", "updated_at"])
    return actor


def invite_requested_account(*, actor: Actor, by, base_url: str | None = None) -> None:
    """After approval: the address given on the registration form receives its link, if it can.

    Runs inside the approval's transaction (the email leaves on commit); a refused address does not undo the
    approval, the request is dropped and the officer can invite by hand from the entry.
    """
    email = actor.account_request_email
    if not email or actor.account_id is not None:
        return
    try:
        with transaction.atomic():
            actor_account_invite(actor=actor, email=email, by=by, base_url=base_url or settings.PUBLIC_BASE_URL)
    except ValidationError:
        Actor.objects.filter(pk=actor.pk).update(account_request_email="", account_request_next="")


# -- the account's own requests ------------------------------------------------------------------------------


@transaction.atomic
def own_actor_update(*, actor: Actor, user, contact_consent: bool = False, **fields) -> Actor:
    _check(permissions.can_edit_own_actor(user, actor))
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    _check(permissions.can_edit_own_actor(user, actor))
    if actor.moderation_status == ModerationStatus.APPROVED:
        # Published: the public version stays until an officer approves the change (contact and consent at once).
        from passerelles.actors.services.changes import actor_propose_change

        actor_propose_change(actor=actor, user=user, contact_consent=contact_consent, **fields)
        return actor
    for name, value in fields.items():
        if name in OWN_FIELDS:
            setattr(actor, name, value)
    _apply_consent(actor, contact_consent)
    actor._history_user = user
    actor.full_clean()
    actor.save()
    return actor


def _by_organisation(actors) -> dict:
    grouped: dict = {}
    for actor in actors:
        grouped.setdefault(actor.organisation_id, []).append(actor)
    return grouped


def _register(*, kind: str, actors, summary: str) -> None:
    """One line per organisation holding entries of the account; one insert whatever their number."""
    now = timezone.now()
    rows = []
    for entries in _by_organisation(actors).values():
        request = PersonalDataRequest(
            organisation_id=entries[0].organisation_id,
            kind=kind,
            actor=entries[0],
            actor_name=", ".join(a.name for a in entries)[:255],
            requested_at=now,
            completed_at=now,
            summary=summary,
        )
        # The organisation and the entry were just read, the kind is ours: the database still checks all three.
        request.full_clean(exclude=["organisation", "actor"], validate_constraints=False)
        rows.append(request)
    PersonalDataRequest.objects.bulk_create(rows)


@transaction.atomic
def personal_data_export(*, user) -> dict:
    """The account's personal data, and one line in the register of each organisation that holds some."""
    if not user.is_authenticated:
        raise PermissionDenied
    data = personal_data(user=user)
    data["exported_at"] = timezone.now().isoformat()
    _register(
        kind=DataRequestKind.EXPORT,
        actors=own_actors(user=user),
        summary=_("Export des données personnelles remis au compte de l'acteur."),
    )
    return data


@transaction.atomic
def personal_data_erase(*, user, password: str, unpublish: bool = False) -> int:
    """Erase the account's personal data from its entries and their history, then anonymise the account.

    An account that is also a member of an organisation keeps its login: only the actor side is erased.
    Returns the number of entries concerned.
    """
    if not user.is_authenticated or not user.check_password(password or ""):
        raise ValidationError({"password": _("Mot de passe incorrect : rien n'a été effacé.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    actors = list(own_actors(user=user).select_for_update(of=("self",)))
    for actor in actors:
        actor.contact_email = ""
        actor.contact_phone = ""
        actor.contact_consent_at = None
        actor.account_request_email = ""
        actor.account = None
        if unpublish:
            actor.is_public = False
        actor._history_user = user
        actor.full_clean()
        actor.save()
    # simple_history keeps every past version: the contact fields go from those too.
    Actor.history.filter(id__in=[a.pk for a in actors]).update(
        contact_email="", contact_phone="", contact_consent_at=None, account_request_email="", account=None
    )
    keeps_login = user.memberships.exists()
    done = [_("Courriel, téléphone et date de consentement effacés de la fiche et de son historique.")]
    if unpublish:
        done.append(_("Fiche retirée de l'annuaire public."))
    if keeps_login:
        done.append(_("Compte détaché de la fiche (il sert aussi à une organisation)."))
    else:
        user.email = f"efface-{user.pk}@invalid"
        user.display_name = ""
        user.set_unusable_password()
        user.is_active = False
        user.last_login = None
        user.save()
        done.append(_("Compte anonymisé et désactivé."))
    _register(kind=DataRequestKind.ERASURE, actors=actors, summary=" ".join(done))
    return len(actors)
