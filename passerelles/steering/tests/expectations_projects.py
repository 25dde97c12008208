"""Permission matrix of programmes, annual plans and projects (walked by core/tests/test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})
PROJECT_READERS = READERS | {Role.PARTNER}
# The contributor's directorate co-carries `s.project`.
PROJECT_EDITORS = EDITORS | {Role.CONTRIBUTOR}


def _plan(s):
    from passerelles.steering.models import AnnualPlan

    return AnnualPlan.objects.get_or_create(organisation=s.world.org, year=2012, defaults={"programme": s.programme})[0]


def _item(s):
    from passerelles.steering.models import AnnualPlanItem

    plan = _plan(s)
    return AnnualPlanItem.objects.get_or_create(organisation=s.world.org, plan=plan, project=s.project)[0]


def _participant(s):
    from passerelles.steering.enums import OrganisationRole
    from passerelles.steering.models import ParticipatingOrganisation

    return ParticipatingOrganisation.objects.get_or_create(
        organisation=s.world.org, project=s.project, name="Cercle de Kayes", role=OrganisationRole.IMPLEMENTING
    )[0]


def _directorate_link(s):
    return s.project.directorates.get(directorate=s.world.directorate)


def _document(s):
    from passerelles.steering.models import ProjectDocument

    return ProjectDocument.objects.get_or_create(
        organisation=s.world.org, project=s.project, title="Convention", url="https://example.org/convention.pdf"
    )[0]


def _document_file(s):
    from django.core.files.base import ContentFile

    from passerelles.steering.models import ProjectDocument

    document = ProjectDocument(organisation=s.world.org, project=s.project, title="Statuts", original_name="s.pdf")
    document.file.save("s.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return [s.project.pk, document.pk]


EXPECTED = {
    "steering:programmes": ("get", None, READERS, 200),
    "steering:programmes_export": ("get", None, READERS, 200),
    "steering:programme_create": ("get", None, EDITORS, 200),
    "steering:programme": ("get", "programme", READERS, 200),
    "steering:programme_edit": ("get", "programme", EDITORS, 200),
    "steering:annual_plans": ("get", None, READERS, 200),
    "steering:annual_plans_export": ("get", None, READERS, 200),
    "steering:annual_plan_create": ("post", None, EDITORS, 422),
    "steering:annual_plan": ("get", "plan", READERS, 200),
    "steering:annual_plan_export": ("get", "plan", READERS, 200),
    "steering:annual_plan_item_create": ("post", "plan", EDITORS, 422),
    "steering:annual_plan_item_edit": ("get", "plan_item", EDITORS, 200),
    "steering:annual_plan_carry_over": ("post", "plan", EDITORS, 302),
    "steering:projects": ("get", None, PROJECT_READERS, 200),
    "steering:projects_export": ("get", None, READERS, 200),
    "steering:project_create": ("post", None, EDITORS, 422),
    "steering:project": ("get", "project", PROJECT_READERS, 200),
    "steering:project_edit": ("get", "project", PROJECT_EDITORS, 200),
    "steering:project_participant_create": ("post", "project", PROJECT_EDITORS, 422),
    "steering:project_participant_delete": ("post", "participant", PROJECT_EDITORS, 302),
    "steering:project_directorate_create": ("get", "project", PROJECT_EDITORS, 200),
    "steering:project_directorate_delete": ("post", "project_directorate", PROJECT_EDITORS, 302),
    "steering:project_sectors": ("get", "project", PROJECT_EDITORS, 200),
    "steering:project_document_create": ("get", "project", PROJECT_EDITORS, 200),
    "steering:project_document_delete": ("post", "project_document", PROJECT_EDITORS, 302),
    "steering:project_document_download": ("get", "project_document_file", PROJECT_READERS, 200),
}

TARGETS = {
    "programme": lambda s: [s.programme.pk],
    "plan": lambda s: [_plan(s).pk],
    "plan_item": lambda s: [_plan(s).pk, _item(s).pk],
    "project": lambda s: [s.project.pk],
    "participant": lambda s: [s.project.pk, _participant(s).pk],
    "project_directorate": lambda s: [s.project.pk, _directorate_link(s).pk],
    "project_document": lambda s: [s.project.pk, _document(s).pk],
    "project_document_file": _document_file,
}
