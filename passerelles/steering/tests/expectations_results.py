"""Permission matrix of the results framework and the performance table (read by test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})  # can_view_steering
PROJECT_READERS = READERS | {Role.PARTNER}  # the partner is party to `s.project` (Kayes)
PROJECT_EDITORS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR})  # the contributor co-carries `s.project`
RESULT_ENTERERS = PROJECT_EDITORS | {Role.PARTNER}  # can_enter_results
APPROVERS = frozenset({Role.ADMIN, Role.OFFICER})  # can_approve_results

EXPECTED = {
    "steering:project_results": ("get", "results_project", PROJECT_READERS, 200),
    "steering:result_create": ("post", "results_project", PROJECT_EDITORS, 422),
    "steering:result_edit": ("get", "results_result", PROJECT_EDITORS, 200),
    "steering:result_delete": ("get", "results_result", PROJECT_EDITORS, 200),
    "steering:indicator_create": ("post", "results_result", PROJECT_EDITORS, 422),
    "steering:indicator_edit": ("get", "results_indicator", PROJECT_EDITORS, 200),
    "steering:indicator_delete": ("get", "results_indicator", PROJECT_EDITORS, 200),
    "steering:period_create": ("post", "results_indicator", PROJECT_EDITORS, 422),
    "steering:disaggregation_create": ("post", "results_indicator", PROJECT_EDITORS, 422),
    "steering:disaggregation_edit": ("get", "results_disaggregation", PROJECT_EDITORS, 200),
    "steering:disaggregation_delete": ("get", "results_disaggregation", PROJECT_EDITORS, 200),
    "steering:period_edit": ("get", "results_period", PROJECT_EDITORS, 200),
    "steering:period_delete": ("get", "results_period", PROJECT_EDITORS, 200),
    "steering:period_values": ("get", "results_period", PROJECT_READERS, 200),  # read-only for a viewer
    # An empty period cannot be submitted: the refusal comes back as a message on the redirected page.
    "steering:period_submit": ("post", "results_period", RESULT_ENTERERS, 302),
    # A draft cannot be approved: same, a message and a redirect.
    "steering:period_approve": ("post", "results_period", APPROVERS, 302),
    "steering:period_return": ("post", "results_period", APPROVERS, 422),
    "steering:period_evidence_create": ("post", "results_period", RESULT_ENTERERS, 422),
    "steering:period_evidence_download": ("get", "results_evidence", PROJECT_READERS, 200),
    "steering:performance": ("get", None, READERS, 200),
    "steering:performance_export": ("get", None, READERS, 200),
}


def _disaggregation(s):
    from passerelles.steering.models import Disaggregation

    disaggregation, _created = Disaggregation.objects.get_or_create(
        organisation=s.world.org, indicator=s.indicator, dimension="sexe", category="femmes"
    )
    return [s.project.pk, disaggregation.pk]


def _evidence(s):
    from django.core.files.base import ContentFile

    from passerelles.steering.models import PeriodEvidence

    evidence = PeriodEvidence(
        organisation=s.world.org, period=s.period, title="Rapport", added_by=s.world.members[Role.OFFICER]
    )
    evidence.file.save("rapport.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return [s.project.pk, evidence.pk]


TARGETS = {
    "results_project": lambda s: [s.project.pk],
    "results_result": lambda s: [s.project.pk, s.result.pk],
    "results_indicator": lambda s: [s.project.pk, s.indicator.pk],
    "results_disaggregation": _disaggregation,
    "results_period": lambda s: [s.project.pk, s.period.pk],
    "results_evidence": _evidence,
}
