"""Writes of the census campaigns (actions P5.1 and P5.2). Keyword-only, one transaction each.

A closed campaign is read-only: every write below but `campaign_reopen` refuses it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from passerelles.actors.enums import ActorKind, Location, MeetingScope, ModerationStatus
from passerelles.actors.models import Actor, CensusCampaign, CensusFinding, CensusMeeting
from passerelles.core import permissions
from passerelles.core.enums import TerritoryKind
from passerelles.core.models import Directorate, Territory
from passerelles.core.tenancy import for_org

CAMPAIGN_FIELDS = ("title", "description", "starts_on", "ends_on", "action")
MEETING_FIELDS = ("scope", "directorate", "commune", "insee_code", "counterpart", "planned_on", "held_on", "notes")


def _check(user, organisation) -> None:
    if not permissions.can_edit_census(user, organisation):
        raise PermissionDenied


def _open(campaign: CensusCampaign) -> CensusCampaign:
    """The campaign as stored now, locked; refused when closed."""
    campaign = CensusCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_closed:
        raise ValidationError(_("Cette campagne est close : rouvrez-la pour la modifier."), code="closed")
    return campaign


def _same_org(organisation, obj, field: str) -> None:
    if obj is not None and obj.organisation_id != organisation.pk:
        raise ValidationError({field: _("Choix inconnu pour cette organisation.")})


# -- campaigns -------------------------------------------------------------------------------------


def _save_campaign(campaign: CensusCampaign) -> CensusCampaign:
    _same_org(campaign.organisation, campaign.action, "action")
    if campaign.ends_on and campaign.starts_on and campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("La fin ne peut pas précéder le début.")})
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_create(*, organisation, user, **fields) -> CensusCampaign:
    _check(user, organisation)
    campaign = CensusCampaign(organisation=organisation)
    for name in CAMPAIGN_FIELDS:
        if name in fields:
            setattr(campaign, name, fields[name])
    return _save_campaign(campaign)


@transaction.atomic
def campaign_update(*, campaign: CensusCampaign, user, **fields) -> CensusCampaign:
    _check(user, campaign.organisation)
    campaign = _open(campaign)
    for name in CAMPAIGN_FIELDS:
        if name in fields:
            setattr(campaign, name, fields[name])
    return _save_campaign(campaign)


@transaction.atomic
def campaign_close(*, campaign: CensusCampaign, user) -> CensusCampaign:
    _check(user, campaign.organisation)
    campaign = _open(campaign)
    campaign.is_closed = True
    campaign.save(update_fields=["is_closed"])
    return campaign


@transaction.atomic
def campaign_reopen(*, campaign: CensusCampaign, user) -> CensusCampaign:
    _check(user, campaign.organisation)
    campaign = CensusCampaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_closed:
        raise ValidationError(_("Cette campagne est déjà ouverte."), code="open")
    campaign.is_closed = False
    campaign.save(update_fields=["is_closed"])
    return campaign


# -- meetings --------------------------------------------------------------------------------------


def _check_meeting(meeting: CensusMeeting) -> None:
    """Field messages for the rules the database also enforces (its own messages are not tied to a field)."""
    _same_org(meeting.organisation, meeting.directorate, "directorate")
    others = CensusMeeting.objects.filter(campaign=meeting.campaign).exclude(pk=meeting.pk)
    if meeting.scope == MeetingScope.DIRECTORATE:
        meeting.commune, meeting.insee_code = "", ""
        if meeting.directorate is None:
            raise ValidationError({"directorate": _("Choisissez la direction rencontrée.")})
        if others.filter(directorate=meeting.directorate).exists():
            raise ValidationError({"directorate": _("Cette direction a déjà sa réunion dans la campagne.")})
    elif meeting.scope == MeetingScope.COMMUNE:
        meeting.directorate = None
        meeting.commune = (meeting.commune or "").strip()
        if not meeting.commune:
            raise ValidationError({"commune": _("Choisissez la commune rencontrée.")})
        if others.filter(commune=meeting.commune).exists():
            raise ValidationError({"commune": _("Cette commune a déjà sa réunion dans la campagne.")})
    else:
        raise ValidationError({"scope": _("Une réunion se tient avec une direction ou avec une commune.")})
    if meeting.held_on and meeting.held_on < meeting.campaign.starts_on:
        raise ValidationError({"held_on": _("La réunion ne peut pas précéder le début de la campagne.")})


def _save_meeting(meeting: CensusMeeting) -> CensusMeeting:
    _check_meeting(meeting)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_create(*, campaign: CensusCampaign, user, **fields) -> CensusMeeting:
    _check(user, campaign.organisation)
    campaign = _open(campaign)
    meeting = CensusMeeting(organisation=campaign.organisation, campaign=campaign)
    for name in MEETING_FIELDS:
        if name in fields:
            setattr(meeting, name, fields[name])
    return _save_meeting(meeting)


@transaction.atomic
def meeting_update(*, meeting: CensusMeeting, user, **fields) -> CensusMeeting:
    _check(user, meeting.organisation)
    campaign = _open(meeting.campaign)
    meeting = CensusMeeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.campaign = campaign
    for name in MEETING_FIELDS:
        if name in fields:
            setattr(meeting, name, fields[name])
    return _save_meeting(meeting)


@transaction.atomic
def meeting_delete(*, meeting: CensusMeeting, user) -> None:
    """The meeting and its findings go; the actors stay in the directory."""
    _check(user, meeting.organisation)
    _open(meeting.campaign)
    meeting.delete()


@transaction.atomic
def meetings_add_home_communes(*, campaign: CensusCampaign, user) -> int:
    """One meeting per home commune not yet met in the campaign. Idempotent: returns how many were added."""
    _check(user, campaign.organisation)
    campaign = _open(campaign)
    taken = set(campaign.meetings.exclude(commune="").values_list("commune", flat=True))
    communes = for_org(Territory, campaign.organisation).filter(kind=TerritoryKind.HOME).order_by("name")
    added = [
        CensusMeeting(
            organisation=campaign.organisation,
            campaign=campaign,
            scope=MeetingScope.COMMUNE,
            commune=territory.name,
            insee_code=territory.insee_code,
        )
        for territory in communes
        if territory.name not in taken
    ]
    for meeting in added:
        meeting.full_clean(validate_constraints=False)
    CensusMeeting.objects.bulk_create(added)
    return len(added)


@transaction.atomic
def meetings_add_directorates(*, campaign: CensusCampaign, user) -> int:
    """One meeting per directorate not yet met in the campaign. Idempotent: returns how many were added."""
    _check(user, campaign.organisation)
    campaign = _open(campaign)
    taken = set(campaign.meetings.exclude(directorate=None).values_list("directorate_id", flat=True))
    added = [
        CensusMeeting(
            organisation=campaign.organisation,
            campaign=campaign,
            scope=MeetingScope.DIRECTORATE,
            directorate=directorate,
        )
        for directorate in for_org(Directorate, campaign.organisation).order_by("name")
        if directorate.pk not in taken
    ]
    CensusMeeting.objects.bulk_create(added)
    return len(added)


# -- findings --------------------------------------------------------------------------------------


def _add_finding(meeting: CensusMeeting, actor: Actor, *, is_new: bool, note: str) -> CensusFinding:
    finding = CensusFinding(
        organisation=meeting.organisation, meeting=meeting, actor=actor, is_new=is_new, note=(note or "").strip()
    )
    if CensusFinding.objects.filter(meeting=meeting, actor=actor).exists():
        raise ValidationError({"actor": _("Cet acteur est déjà noté pour cette réunion.")})
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_add_known(*, meeting: CensusMeeting, user, actor: Actor, note: str = "") -> CensusFinding:
    """An actor the authority already knew, surfaced again by this meeting."""
    _check(user, meeting.organisation)
    _open(meeting.campaign)
    if actor is None or actor.organisation_id != meeting.organisation_id:
        raise ValidationError({"actor": _("Choisissez un acteur de l'annuaire.")})
    return _add_finding(meeting, actor, is_new=False, note=note)


@transaction.atomic
def finding_add_new(
    *, meeting: CensusMeeting, user, name: str, kind: str, siret: str = "", themes=(), note: str = ""
) -> CensusFinding:
    """An actor the authority did not know: its entry is created, approved (the staff are the moderators) but not
    public, since no consent to publish was collected; it stands where the meeting was held.

    The likely duplicates are looked for by the caller beforehand (`selectors.census.likely_duplicates`): one
    created anyway shows on the duplicates page for merging.
    """
    _check(user, meeting.organisation)
    _open(meeting.campaign)
    if kind not in ActorKind.values:
        raise ValidationError({"kind": _("Choisissez un type d'acteur.")})
    actor = Actor(
        organisation=meeting.organisation,
        name=(name or "").strip(),
        kind=kind,
        siret=siret or "",
        themes=list(themes or []),
        location=Location.HOME,
        commune=meeting.commune,
        insee_code=meeting.insee_code,
        is_public=False,
        moderation_status=ModerationStatus.APPROVED,
    )
    actor.full_clean()
    actor.save()
    return _add_finding(meeting, actor, is_new=True, note=note)


@transaction.atomic
def finding_remove(*, finding: CensusFinding, user) -> None:
    """The finding goes; the actor stays in the directory."""
    _check(user, finding.organisation)
    _open(finding.meeting.campaign)
    finding.delete()
