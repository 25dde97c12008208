from django.conf import settings

from passerelles.core import permissions


class _Predicates:
    """Lets templates ask `perms.can_edit_strategy` for the current organisation."""

    def __init__(self, user, organisation):
        self._user, self._organisation = user, organisation

    def __getattr__(self, name):
        if not name.startswith("can_"):
            raise AttributeError(name)
        return getattr(permissions, name)(self._user, self._organisation)


def organisation(request):
    org = getattr(request, "organisation", None)
    user = getattr(request, "user", None)
    other_orgs = []
    if user is not None and user.is_authenticated:
        other_orgs = [m.organisation for m in user.memberships.filter(is_active=True).select_related("organisation")]
    return {
        "available_languages": settings.LANGUAGES,
        "organisation": org,
        "membership": getattr(request, "membership", None),
        "org_perms": _Predicates(user, org) if org else None,
        "user_organisations": other_orgs,
    }
