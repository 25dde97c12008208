"""Permission matrix of the census campaigns (walked by core/tests/test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})


def _campaign(s):
    from passerelles.actors.tests.factories import CensusCampaignFactory

    return [CensusCampaignFactory(organisation=s.world.org).pk]


def _closed_campaign(s):
    from passerelles.actors.tests.factories import CensusCampaignFactory

    return [CensusCampaignFactory(organisation=s.world.org, is_closed=True).pk]


def _meeting(s):
    from passerelles.actors.tests.factories import CensusMeetingFactory

    return [CensusMeetingFactory(campaign__organisation=s.world.org).pk]


def _finding(s):
    from passerelles.actors.tests.factories import CensusFindingFactory

    return [CensusFindingFactory(meeting__campaign__organisation=s.world.org).pk]


EXPECTED = {
    "actors:census_campaigns": ("get", None, READERS, 200),
    "actors:census_campaigns_export": ("get", None, READERS, 200),
    "actors:census_campaign_create": ("get", None, EDITORS, 200),
    "actors:census_campaign": ("get", "census_campaign", READERS, 200),
    "actors:census_campaign_edit": ("get", "census_campaign", EDITORS, 200),
    "actors:census_campaign_close": ("post", "census_campaign", EDITORS, 302),
    "actors:census_campaign_reopen": ("post", "census_closed_campaign", EDITORS, 302),
    "actors:census_add_home_communes": ("post", "census_campaign", EDITORS, 302),
    "actors:census_add_directorates": ("post", "census_campaign", EDITORS, 302),
    "actors:census_findings_export": ("get", "census_campaign", READERS, 200),
    "actors:census_meeting_create": ("get", "census_campaign", EDITORS, 200),
    "actors:census_meeting": ("get", "census_meeting", READERS, 200),
    "actors:census_meeting_edit": ("get", "census_meeting", EDITORS, 200),
    "actors:census_meeting_delete": ("get", "census_meeting", EDITORS, 200),
    # An empty choice is refused: the actor must be chosen, the new actor named.
    "actors:census_finding_add_known": ("post", "census_meeting", EDITORS, 422),
    "actors:census_finding_add_new": ("post", "census_meeting", EDITORS, 422),
    "actors:census_finding_remove": ("post", "census_finding", EDITORS, 302),
}

TARGETS = {
    "census_campaign": _campaign,
    "census_closed_campaign": _closed_campaign,
    "census_meeting": _meeting,
    "census_finding": _finding,
}
