from django.db.models import QuerySet

from passerelles.core.models import Directorate, Membership, Territory
from passerelles.core.tenancy import for_org, get_for_org_or_404


def get_membership_or_404(organisation, pk) -> Membership:
    return get_for_org_or_404(Membership.objects.select_related("user", "directorate"), organisation, pk)


def get_directorate_or_404(organisation, pk) -> Directorate:
    return get_for_org_or_404(Directorate, organisation, pk)


def get_territory_or_404(organisation, pk) -> Territory:
    return get_for_org_or_404(Territory, organisation, pk)


def membership_list(*, organisation) -> QuerySet[Membership]:
    return (
        for_org(Membership, organisation)
        .select_related("user", "directorate")
        .order_by("-is_active", "role", "user__email")
    )


def user_organisations(*, user):
    return [m.organisation for m in user.memberships.filter(is_active=True).select_related("organisation")]


def organisation_profile(*, organisation) -> dict:
    from django.db.models import Count

    territories = list(for_org(Territory, organisation).order_by("kind", "name"))
    return {
        "home_territories": [t for t in territories if t.kind == "home"],
        "partner_territories": [t for t in territories if t.kind == "partner"],
        "directorates": list(
            for_org(Directorate, organisation).annotate(
                member_count=Count("memberships", distinct=True), action_count=Count("led_actions", distinct=True)
            )
        ),
    }
