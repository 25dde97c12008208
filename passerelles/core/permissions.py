"""Every permission rule of the platform, as named predicates.

Views, templates (through the `perms` context) and future API endpoints all ask these functions;
none of them decides access on its own.
"""

from passerelles.core.enums import Role

STAFF_EDITORS = frozenset({Role.ADMIN, Role.OFFICER})
ALL_ROLES = frozenset(Role.values)


def get_membership(user, organisation):
    """The active membership of `user` in `organisation`, or None. Cached on the user object."""
    if user is None or not user.is_authenticated or organisation is None:
        return None
    cache = user.__dict__.setdefault("_membership_cache", {})
    if organisation.pk not in cache:
        from passerelles.core.models import Membership

        cache[organisation.pk] = (
            Membership.objects.filter(organisation=organisation, user=user, is_active=True)
            .select_related("directorate")
            .first()
        )
    return cache[organisation.pk]


def role_of(user, organisation) -> str | None:
    membership = get_membership(user, organisation)
    return membership.role if membership else None


# -- organisation ---------------------------------------------------------------------------------


def can_access_organisation(user, organisation) -> bool:
    return get_membership(user, organisation) is not None


def can_manage_members(user, organisation) -> bool:
    return role_of(user, organisation) == Role.ADMIN


def can_view_history(user, organisation) -> bool:
    return role_of(user, organisation) == Role.ADMIN


# -- strategy -------------------------------------------------------------------------------------


def can_view_strategy(user, organisation) -> bool:
    # Partner authorities take part in the strategy's appropriation (action P1.3): they read it too.
    return role_of(user, organisation) in ALL_ROLES


def can_edit_strategy(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_manage_strategy_versions(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_export_plan(user, organisation) -> bool:
    return role_of(user, organisation) in {Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER}


def can_follow_up_action(user, action) -> bool:
    """Change the status of an action and write progress notes on it."""
    membership = get_membership(user, action.organisation)
    if membership is None or action.document.is_archived:
        return False
    if membership.role in STAFF_EDITORS:
        return True
    # An agent of another directorate follows up the actions their directorate leads.
    return (
        membership.role == Role.CONTRIBUTOR
        and membership.directorate_id is not None
        and membership.directorate_id == action.lead_directorate_id
    )


def can_edit_action(user, action) -> bool:
    return can_edit_strategy(user, action.organisation) and not action.document.is_archived


def can_view_organisation(user, organisation) -> bool:
    return get_membership(user, organisation) is not None


def can_edit_organisation(user, organisation) -> bool:
    return role_of(user, organisation) == Role.ADMIN
