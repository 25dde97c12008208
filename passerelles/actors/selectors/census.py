"""Reads of the census campaigns (actions P5.1 and P5.2): annotated querysets, a constant number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from passerelles.actors.models import Actor, CensusCampaign, CensusFinding, CensusMeeting
from passerelles.actors.selectors.matrix import normalise
from passerelles.actors.selectors.search import search_actors
from passerelles.core.enums import TerritoryKind
from passerelles.core.models import Directorate, Territory
from passerelles.core.tenancy import for_org, get_for_org_or_404
from passerelles.strategy.models import Action
from passerelles.strategy.selectors import current_document

KNOWN_ACTOR_RESULTS = 20
DUPLICATE_CANDIDATES = 10


def get_campaign_or_404(organisation, pk) -> CensusCampaign:
    return get_for_org_or_404(CensusCampaign.objects.select_related("action"), organisation, pk)


def get_meeting_or_404(organisation, pk) -> CensusMeeting:
    return get_for_org_or_404(CensusMeeting.objects.select_related("campaign", "directorate"), organisation, pk)


def get_finding_or_404(organisation, pk) -> CensusFinding:
    return get_for_org_or_404(CensusFinding.objects.select_related("meeting__campaign", "actor"), organisation, pk)


# -- campaigns -------------------------------------------------------------------------------------


def campaign_list(*, organisation, status=None) -> QuerySet[CensusCampaign]:
    """Campaigns with their meetings held / planned and the actors surfaced, new / known: one query."""
    campaigns = for_org(CensusCampaign, organisation)
    if status == "open":
        campaigns = campaigns.filter(is_closed=False)
    elif status == "closed":
        campaigns = campaigns.filter(is_closed=True)
    return (
        campaigns.select_related("action")
        .annotate(
            meeting_count=Count("meetings", distinct=True),
            held_count=Count("meetings", filter=Q(meetings__held_on__isnull=False), distinct=True),
            new_count=Count("meetings__findings", filter=Q(meetings__findings__is_new=True), distinct=True),
            known_count=Count("meetings__findings", filter=Q(meetings__findings__is_new=False), distinct=True),
        )
        .order_by("-starts_on", "title", "pk")
    )


def campaigns_header() -> list[str]:
    return [
        _("Campagne"),
        _("Début"),
        _("Fin prévue"),
        _("Action du plan"),
        _("Réunions tenues"),
        _("Réunions prévues"),
        _("Nouveaux acteurs"),
        _("Acteurs déjà connus"),
        _("Statut"),
    ]


def campaigns_rows(campaigns):
    for campaign in campaigns:
        yield [
            campaign.title,
            campaign.starts_on.isoformat(),
            campaign.ends_on.isoformat() if campaign.ends_on else "",
            campaign.action.code if campaign.action else "",
            campaign.held_count,
            campaign.meeting_count,
            campaign.new_count,
            campaign.known_count,
            _("close") if campaign.is_closed else _("ouverte"),
        ]


@dataclass
class CampaignProgress:
    total: int
    held: int
    new: int
    known: int

    @property
    def held_percent(self) -> int:
        return round(100 * self.held / self.total) if self.total else 0


def campaign_progress(*, campaign: CensusCampaign) -> CampaignProgress:
    """Two aggregates: meetings held / total, and actors surfaced new / known."""
    meetings = CensusMeeting.objects.filter(campaign=campaign).aggregate(
        total=Count("pk"), held=Count("pk", filter=Q(held_on__isnull=False))
    )
    findings = CensusFinding.objects.filter(meeting__campaign=campaign).aggregate(
        new=Count("pk", filter=Q(is_new=True)), known=Count("pk", filter=Q(is_new=False))
    )
    return CampaignProgress(
        total=meetings["total"], held=meetings["held"], new=findings["new"], known=findings["known"]
    )


def campaign_meetings(*, campaign: CensusCampaign) -> QuerySet[CensusMeeting]:
    return (
        CensusMeeting.objects.filter(campaign=campaign)
        .select_related("directorate")
        .annotate(
            new_count=Count("findings", filter=Q(findings__is_new=True)),
            known_count=Count("findings", filter=Q(findings__is_new=False)),
        )
        .order_by("scope", "commune", "directorate__name", "pk")
    )


def action_choices(*, organisation, current=None) -> QuerySet[Action]:
    """The actions of the strategy in force, plus the one already linked (it may belong to an older version)."""
    document = current_document(organisation=organisation)
    condition = Q(document=document) if document else Q(pk__in=[])
    if current is not None:
        condition |= Q(pk=current)
    return for_org(Action, organisation).filter(condition).order_by("code", "pk")


# -- meetings --------------------------------------------------------------------------------------


def home_communes(*, organisation) -> QuerySet[Territory]:
    return for_org(Territory, organisation).filter(kind=TerritoryKind.HOME).order_by("name")


def directorates(*, organisation) -> QuerySet[Directorate]:
    return for_org(Directorate, organisation).order_by("name")


def meeting_findings(*, meeting: CensusMeeting) -> QuerySet[CensusFinding]:
    return CensusFinding.objects.filter(meeting=meeting).select_related("actor").order_by("actor__name", "pk")


def known_actor_candidates(*, meeting: CensusMeeting, text: str) -> list[Actor]:
    """Actors of the organisation matching `text` and not yet noted for this meeting: one query, capped."""
    if not (text or "").strip():
        return []
    actors = for_org(Actor, meeting.organisation).exclude(census_findings__meeting=meeting)
    return list(search_actors(actors, text).order_by("name", "pk")[:KNOWN_ACTOR_RESULTS])


def likely_duplicates(*, organisation, name: str, commune: str = "", siret: str = "") -> list[Actor]:
    """Existing actors with the same SIRET, or the same normalised name in the same commune.

    The same rule as the duplicates page (`selectors.matrix.duplicate_pairs`). One query on a few columns.
    """
    wanted_name, wanted_commune = normalise(name), normalise(commune)
    condition = Q(siret=siret) if siret else Q(pk__in=[])
    # The normalised comparison is done in Python, as on the duplicates page.
    if wanted_name:
        condition |= Q(partner_territory_of__isnull=True)
    candidates = (
        for_org(Actor, organisation)
        .filter(condition)
        .only("pk", "name", "kind", "commune", "siret", "partner_territory_of_id")
        .order_by("name", "pk")
    )
    found = []
    for actor in candidates:
        same_siret = bool(siret) and actor.siret == siret
        same_name = (
            bool(wanted_name)
            and actor.partner_territory_of_id is None
            and normalise(actor.name) == wanted_name
            and normalise(actor.commune) == wanted_commune
        )
        if same_siret or same_name:
            found.append(actor)
        if len(found) >= DUPLICATE_CANDIDATES:
            break
    return found


# -- export of the findings ------------------------------------------------------------------------


def campaign_findings(*, campaign: CensusCampaign) -> QuerySet[CensusFinding]:
    return (
        CensusFinding.objects.filter(meeting__campaign=campaign)
        .select_related("meeting__directorate", "actor")
        .order_by("meeting__scope", "meeting__commune", "meeting__directorate__name", "actor__name", "pk")
    )


def findings_header() -> list[str]:
    return [
        _("Réunion"),
        _("Avec"),
        _("Tenue le"),
        _("Acteur"),
        _("Type"),
        _("Commune"),
        _("Nouveau / connu"),
        _("Remarque"),
    ]


def findings_rows(findings):
    for finding in findings:
        meeting = finding.meeting
        yield [
            meeting.counterpart_name,
            meeting.get_scope_display(),
            meeting.held_on.isoformat() if meeting.held_on else "",
            finding.actor.name,
            finding.actor.get_kind_display(),
            finding.actor.commune,
            _("nouveau") if finding.is_new else _("connu"),
            finding.note,
        ]
