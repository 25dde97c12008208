"""Writes of programmes, annual plans and projects. Keyword-only, one transaction each, permission re-checked."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from passerelles.core import permissions
from passerelles.core.enums import TerritoryKind
from passerelles.steering.enums import UNFINISHED_PLAN_STATUSES, PlanItemStatus
from passerelles.steering.models import (
    AnnualPlan,
    AnnualPlanItem,
    ParticipatingOrganisation,
    Programme,
    Project,
    ProjectDirectorate,
    ProjectDocument,
    ProjectSector,
)
from passerelles.steering.selectors.projects import adopted_document, dac_sectors

HUNDRED = Decimal("100")


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _same_org(organisation, field: str, *objects) -> None:
    """Refuse a related object of another organisation (a forged id that went past the form)."""
    if any(obj is not None and obj.organisation_id != organisation.pk for obj in objects):
        raise ValidationError({field: _("Cet élément n'appartient pas à votre organisation.")})


# -- programmes -----------------------------------------------------------------------------------


def _save_programme(programme: Programme) -> Programme:
    _same_org(programme.organisation, "strategy", programme.strategy)
    if programme.start_year and programme.end_year and programme.end_year < programme.start_year:
        raise ValidationError({"end_year": _("L'année de fin ne peut pas précéder l'année de début.")})
    clash = Programme.objects.for_org(programme.organisation).filter(start_year=programme.start_year)
    if programme.pk:
        clash = clash.exclude(pk=programme.pk)
    if clash.exists():
        raise ValidationError({"start_year": _("Un programme commence déjà cette année-là.")})
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_create(*, organisation, user, **fields) -> Programme:
    _check(permissions.can_edit_steering(user, organisation))
    return _save_programme(Programme(organisation=organisation, **fields))


@transaction.atomic
def programme_update(*, programme: Programme, user, **fields) -> Programme:
    _check(permissions.can_edit_steering(user, programme.organisation))
    for name, value in fields.items():
        setattr(programme, name, value)
    return _save_programme(programme)


# -- annual plans ---------------------------------------------------------------------------------


@transaction.atomic
def annual_plan_create(*, organisation, user, year: int, programme: Programme | None = None, notes: str = ""):
    _check(permissions.can_edit_steering(user, organisation))
    _same_org(organisation, "programme", programme)
    if AnnualPlan.objects.for_org(organisation).filter(year=year).exists():
        raise ValidationError({"year": _("Le plan de l'année %(year)s existe déjà.") % {"year": year}})
    if programme is not None and not programme.start_year <= year <= programme.end_year:
        raise ValidationError(
            {"programme": _("Le programme %(p)s ne couvre pas l'année %(year)s.") % {"p": programme, "year": year}}
        )
    plan = AnnualPlan(organisation=organisation, year=year, programme=programme, notes=notes)
    plan.full_clean()
    plan.save()
    return plan


def _check_item_subject(plan: AnnualPlan, action, project, *, exclude_pk=None) -> None:
    org = plan.organisation
    if (action is None) == (project is None):
        raise ValidationError(_("Un élément du plan est une action ou un projet, pas les deux."))
    _same_org(org, "action", action)
    _same_org(org, "project", project)
    if action is not None:
        document = adopted_document(organisation=org)
        if document is None or action.document_id != document.pk:
            raise ValidationError({"action": _("Choisissez une action du document de référence adopté.")})
    items = AnnualPlanItem.objects.for_org(org).filter(plan=plan)
    if exclude_pk:
        items = items.exclude(pk=exclude_pk)
    if action is not None and items.filter(action=action).exists():
        raise ValidationError({"action": _("Cette action figure déjà au plan de cette année.")})
    if project is not None and items.filter(project=project).exists():
        raise ValidationError({"project": _("Ce projet figure déjà au plan de cette année.")})


@transaction.atomic
def annual_plan_item_create(*, plan: AnnualPlan, user, action=None, project=None, owner=None, **fields):
    _check(permissions.can_edit_steering(user, plan.organisation))
    _check_item_subject(plan, action, project)
    _same_org(plan.organisation, "owner", owner)
    item = AnnualPlanItem(
        organisation=plan.organisation, plan=plan, action=action, project=project, owner=owner, **fields
    )
    item.full_clean()
    item.save()
    return item


ITEM_EDITABLE = frozenset({"owner", "planned_start", "planned_end", "budget", "status"})


@transaction.atomic
def annual_plan_item_update(*, item: AnnualPlanItem, user, **fields) -> AnnualPlanItem:
    """Change the owner, dates, budget or status of an item; what it is (action or project) stays."""
    _check(permissions.can_edit_steering(user, item.organisation))
    unknown = set(fields) - ITEM_EDITABLE
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    _same_org(item.organisation, "owner", fields.get("owner"))
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item


def _next_programme(plan: AnnualPlan, year: int) -> Programme | None:
    if plan.programme and plan.programme.start_year <= year <= plan.programme.end_year:
        return plan.programme
    return Programme.objects.for_org(plan.organisation).filter(start_year__lte=year, end_year__gte=year).first()


@transaction.atomic
def annual_plan_carry_over(*, plan: AnnualPlan, user) -> int:
    """Carry the unfinished items over to next year's plan, in one step; returns how many were carried.

    Next year's plan is created if needed. An item already carried (or whose action or project is already in next
    year's plan) is skipped, so running it twice changes nothing. The originals are marked "postponed".
    """
    _check(permissions.can_edit_steering(user, plan.organisation))
    org = plan.organisation
    year = plan.year + 1
    target = AnnualPlan.objects.select_for_update().filter(organisation=org, year=year).first()
    if target is None:
        target = AnnualPlan(organisation=org, year=year, programme=_next_programme(plan, year))
        target.full_clean()
        target.save()
    already = AnnualPlanItem.objects.for_org(org).filter(plan=target)
    carried_from = set(already.exclude(carried_over_from=None).values_list("carried_over_from_id", flat=True))
    actions = set(already.exclude(action=None).values_list("action_id", flat=True))
    projects = set(already.exclude(project=None).values_list("project_id", flat=True))
    next_year_start = datetime.date(year, 1, 1)
    count = 0
    items = (
        AnnualPlanItem.objects.for_org(org)
        .select_for_update()
        .filter(plan=plan, status__in=UNFINISHED_PLAN_STATUSES)
        .order_by("pk")
    )
    for item in items:
        if item.pk in carried_from or item.action_id in actions or item.project_id in projects:
            continue
        # Dates that ended during the past year mean nothing for the next one.
        keep_dates = item.planned_end is not None and item.planned_end >= next_year_start
        copy = AnnualPlanItem(
            organisation=org,
            plan=target,
            action_id=item.action_id,
            project_id=item.project_id,
            owner_id=item.owner_id,
            planned_start=item.planned_start if keep_dates else None,
            planned_end=item.planned_end if keep_dates else None,
            budget=item.budget,
            status=PlanItemStatus.IN_PROGRESS if item.status == PlanItemStatus.IN_PROGRESS else PlanItemStatus.PLANNED,
            carried_over_from=item,
        )
        copy.full_clean()
        copy.save()
        if item.status != PlanItemStatus.POSTPONED:
            item.status = PlanItemStatus.POSTPONED
            item.full_clean()
            item.save(update_fields=["status"])
        count += 1
    return count


# -- projects -------------------------------------------------------------------------------------


def _validate_links(organisation, *, partner_territories, orientations, priorities, actions) -> None:
    for name, rows in (
        ("partner_territories", partner_territories),
        ("orientations", orientations),
        ("priorities", priorities),
        ("actions", actions),
    ):
        _same_org(organisation, name, *rows)
    if any(t.kind != TerritoryKind.PARTNER for t in partner_territories):
        raise ValidationError({"partner_territories": _("Choisissez des territoires partenaires.")})
    document = adopted_document(organisation=organisation)
    for name, rows in (("orientations", orientations), ("priorities", priorities), ("actions", actions)):
        if rows and (document is None or any(r.document_id != document.pk for r in rows)):
            raise ValidationError({name: _("Choisissez des éléments du document de référence adopté.")})


def _set_links(project: Project, *, partner_territories, orientations, priorities, actions) -> None:
    """Replace the links; those to older strategy versions are kept (the form only shows the adopted one)."""
    document = adopted_document(organisation=project.organisation)
    project.partner_territories.set(partner_territories)
    for name, rows in (("orientations", orientations), ("priorities", priorities), ("actions", actions)):
        manager = getattr(project, name)
        kept = list(manager.exclude(document=document)) if document else list(manager.all())
        manager.set([*kept, *rows])


def _check_code(project: Project) -> None:
    clash = Project.objects.for_org(project.organisation).filter(code__iexact=project.code)
    if project.pk:
        clash = clash.exclude(pk=project.pk)
    if clash.exists():
        raise ValidationError({"code": _("Un projet porte déjà ce code.")})


@transaction.atomic
def project_create(
    *, organisation, user, partner_territories=(), orientations=(), priorities=(), actions=(), **fields
) -> Project:
    _check(permissions.can_edit_steering(user, organisation))
    links = {
        "partner_territories": list(partner_territories),
        "orientations": list(orientations),
        "priorities": list(priorities),
        "actions": list(actions),
    }
    project = Project(organisation=organisation, **fields)
    _same_org(organisation, "programme", project.programme)
    _check_code(project)
    project.full_clean()
    _validate_links(organisation, **links)
    project.save()
    _set_links(project, **links)
    return project


@transaction.atomic
def project_update(
    *, project: Project, user, partner_territories=(), orientations=(), priorities=(), actions=(), **fields
) -> Project:
    _check(permissions.can_edit_project(user, project))
    links = {
        "partner_territories": list(partner_territories),
        "orientations": list(orientations),
        "priorities": list(priorities),
        "actions": list(actions),
    }
    for name, value in fields.items():
        setattr(project, name, value)
    _same_org(project.organisation, "programme", project.programme)
    _check_code(project)
    project.full_clean()
    _validate_links(project.organisation, **links)
    project.save()
    _set_links(project, **links)
    return project


@transaction.atomic
def participant_create(*, project: Project, user, name: str, role: str, reference: str = ""):
    _check(permissions.can_edit_project(user, project))
    if project.participants.filter(name__iexact=name.strip(), role=role).exists():
        raise ValidationError({"name": _("Cette organisation figure déjà avec ce rôle.")})
    participant = ParticipatingOrganisation(
        organisation=project.organisation, project=project, name=name.strip(), role=role, reference=reference
    )
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def participant_delete(*, participant: ParticipatingOrganisation, user) -> None:
    _check(permissions.can_edit_project(user, participant.project))
    participant.delete()


@transaction.atomic
def project_directorate_create(*, project: Project, user, directorate, stage, person_days, day_rate, year=None):
    _check(permissions.can_edit_project(user, project))
    _same_org(project.organisation, "directorate", directorate)
    if project.directorates.filter(directorate=directorate, year=year).exists():
        raise ValidationError({"directorate": _("Cette direction co-porte déjà le projet pour cette année.")})
    link = ProjectDirectorate(
        organisation=project.organisation,
        project=project,
        directorate=directorate,
        stage=stage,
        person_days=person_days,
        day_rate=day_rate,
        year=year,
    )
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def project_directorate_delete(*, link: ProjectDirectorate, user) -> None:
    _check(permissions.can_edit_project(user, link.project))
    link.delete()


def validate_sector_lines(lines: Iterable[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """Known DAC 5-digit codes, no duplicate, percentages summing to exactly 100 (or no line at all)."""
    lines = [(code.strip(), Decimal(pct)) for code, pct in lines]
    known = dac_sectors()
    unknown = [code for code, _pct in lines if code not in known]
    if unknown:
        raise ValidationError(_("Code secteur CAD inconnu : %(codes)s.") % {"codes": ", ".join(unknown)})
    codes = [code for code, _pct in lines]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValidationError(
            _("Un secteur ne peut figurer qu'une fois : %(codes)s.") % {"codes": ", ".join(duplicates)}
        )
    if any(pct <= 0 or pct > HUNDRED for _code, pct in lines):
        raise ValidationError(_("Chaque part est comprise entre 0,01 et 100 %."))
    total = sum((pct for _code, pct in lines), Decimal("0"))
    if lines and total != HUNDRED:
        raise ValidationError(
            _("Les parts des secteurs doivent totaliser exactement 100 %% (total actuel : %(total)s %%).")
            % {"total": f"{total.normalize():f}".replace(".", ",")}
        )
    return lines


@transaction.atomic
def project_sectors_replace(*, project: Project, user, lines: Iterable[tuple[str, Decimal]]) -> list[ProjectSector]:
    """Replace all the sector lines of a project at once."""
    _check(permissions.can_edit_project(user, project))
    lines = validate_sector_lines(lines)
    ProjectSector.objects.filter(organisation=project.organisation, project=project).delete()
    sectors = []
    for code, pct in lines:
        sector = ProjectSector(organisation=project.organisation, project=project, code=code, percentage=pct)
        sector.full_clean()
        sector.save()
        sectors.append(sector)
    return sectors


@transaction.atomic
def project_document_create(*, project: Project, user, title: str, file=None, url: str = "") -> ProjectDocument:
    """Attach a document; the file has been checked by the form (size, type by content, sanitised name)."""
    _check(permissions.can_edit_project(user, project))
    if bool(file) == bool(url):
        raise ValidationError(_("Joignez un fichier ou indiquez un lien (l'un ou l'autre)."))
    document = ProjectDocument(organisation=project.organisation, project=project, title=title, url=url)
    if file:
        document.attach(file)
    document.save()
    return document


@transaction.atomic
def project_document_delete(*, document: ProjectDocument, user) -> None:
    _check(permissions.can_edit_project(user, document.project))
    stored = document.file.name if document.file else ""
    storage = document.file.storage if document.file else None
    document.delete()
    if stored:
        # Remove the file only once the row is really gone.
        transaction.on_commit(lambda: storage.delete(stored))
