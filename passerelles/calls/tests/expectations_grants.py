"""Permission matrix of the grants, instalments and reports (walked by test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})


def _call(s):
    from passerelles.calls.tests.factories import CallFactory

    return CallFactory(organisation=s.world.org)


def _grant(s):
    from passerelles.calls.tests.factories import ApplicationFactory, GrantFactory

    return GrantFactory(application=ApplicationFactory(call=_call(s), accepted=True))


def _accepted_application(s):
    from passerelles.calls.tests.factories import ApplicationFactory

    return [ApplicationFactory(call=_call(s), accepted=True).pk]


def _instalment(s):
    from passerelles.calls.tests.factories import InstalmentFactory

    return [InstalmentFactory(grant=_grant(s)).pk]


def _report(s):
    from passerelles.calls.tests.factories import GrantReportFactory

    return [GrantReportFactory(grant=_grant(s)).pk]


def _submitted_report(s):
    from passerelles.calls.enums import ReportStatus
    from passerelles.calls.tests.factories import GrantReportFactory

    return [GrantReportFactory(grant=_grant(s), status=ReportStatus.SUBMITTED).pk]


EXPECTED = {
    "calls:grants": ("get", None, READERS, 200),
    "calls:grants_export": ("get", None, READERS, 200),
    # An empty award is refused: the modality is required.
    "calls:grant_create": ("post", "grants_accepted_application", EDITORS, 422),
    "calls:grant": ("get", "grants_grant", READERS, 200),
    "calls:grant_agreement": ("get", "grants_grant", READERS, 200),
    "calls:instalment_create": ("get", "grants_grant", EDITORS, 200),
    # An empty payment is refused: date and amount are required.
    "calls:instalment_pay": ("post", "grants_instalment", EDITORS, 422),
    "calls:instalment_delete": ("post", "grants_instalment", EDITORS, 302),
    "calls:report": ("get", "grants_report", READERS, 200),
    "calls:report_accept": ("post", "grants_submitted_report", EDITORS, 302),
    # Returning a report needs a message.
    "calls:report_return": ("post", "grants_submitted_report", EDITORS, 422),
}

TARGETS = {
    "grants_accepted_application": _accepted_application,
    "grants_grant": lambda s: [_grant(s).pk],
    "grants_instalment": _instalment,
    "grants_report": _report,
    "grants_submitted_report": _submitted_report,
}
