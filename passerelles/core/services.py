"""Writes of the core app: memberships and invitations."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from passerelles.core import permissions
from passerelles.core.enums import Role
from passerelles.core.mail import send_on_commit
from passerelles.core.models import AccountUnlock, Membership, Organisation, User


def _set_password_url(user: User, base_url: str) -> str:
    path = reverse(
        "core:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


@transaction.atomic
def member_invite(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    directorate=None,
    display_name: str = "",
    invited_by: User,
    base_url: str,
) -> Membership:
    if not permissions.can_manage_members(invited_by, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, display_name=display_name)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError({"email": _("Cette personne est déjà membre de l'organisation.")})
    membership = Membership(organisation=organisation, user=user, role=role, directorate=directorate)
    membership.full_clean()
    membership.save()
    context = {
        "organisation": organisation,
        "role": membership.get_role_display(),
        "link": _set_password_url(user, base_url) if created or not user.has_usable_password() else base_url,
        "new_account": created,
    }
    send_on_commit(
        to=[user.email],
        subject=_("Invitation à rejoindre l'espace « %(org)s » sur Passerelles") % {"org": organisation.name},
        template="core/emails/invitation.txt",
        context=context,
    )
    return membership


@transaction.atomic
def member_update(*, membership: Membership, role: str, directorate, is_active: bool, by: User) -> Membership:
    organisation = membership.organisation
    if not permissions.can_manage_members(by, organisation):
        raise PermissionDenied
    # Read the stored row: a model form has already written the new values on `membership`.
    stored = Membership.objects.select_for_update().get(pk=membership.pk)
    loses_admin = stored.role == Role.ADMIN and stored.is_active and (role != Role.ADMIN or not is_active)
    if loses_admin:
        other_admins = (
            Membership.objects.select_for_update()
            .filter(organisation=organisation, role=Role.ADMIN, is_active=True)
            .exclude(pk=membership.pk)
        )
        if not other_admins.exists():
            raise ValidationError({"role": _("L'organisation doit garder au moins un·e administrateur·rice actif·ve.")})
    membership.role = role
    membership.directorate = directorate
    membership.is_active = is_active
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: User, **fields) -> Organisation:
    if not permissions.can_edit_organisation(by, organisation):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def directorate_save(*, organisation: Organisation, by: User, directorate=None, **fields):
    from passerelles.core.models import Directorate

    if not permissions.can_edit_organisation(by, organisation):
        raise PermissionDenied
    directorate = directorate or Directorate(organisation=organisation)
    if directorate.organisation_id != organisation.pk:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(directorate, name, value)
    directorate.full_clean()
    directorate.save()
    return directorate


@transaction.atomic
def account_unlock(*, membership: Membership, by: User | None) -> AccountUnlock:
    """Clear the login failures of a member's account; the unlock is kept in the organisation's journal.

    `by` is an admin of the membership's organisation (checked here too), or None for the platform operator's
    management command.
    """
    from passerelles.core import throttle

    organisation = membership.organisation
    if by is not None and not permissions.can_manage_members(by, organisation):
        raise PermissionDenied
    user = membership.user
    throttle.clear_account(username=user.email)
    unlock = AccountUnlock(organisation=organisation, user=user, email=user.email)
    unlock._history_user = by
    unlock.save()
    return unlock
