"""Permission matrix of the budget and co-financing pages (read by core/tests/test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})  # can_view_steering
PROJECT_READERS = READERS | {Role.PARTNER}  # the partner is party to `s.project` (Kayes)
FINANCE_EDITORS = frozenset({Role.ADMIN, Role.OFFICER})  # can_edit_finance

EXPECTED = {
    "steering:funders": ("get", None, READERS, 200),
    "steering:funder_create": ("post", None, FINANCE_EDITORS, 422),
    "steering:funder_edit": ("get", "funder", FINANCE_EDITORS, 200),
    "steering:exchange_rates": ("get", None, READERS, 200),
    "steering:exchange_rate_create": ("post", None, FINANCE_EDITORS, 422),
    "steering:project_budget": ("get", "project", PROJECT_READERS, 200),
    "steering:budget_line_create": ("post", "project", FINANCE_EDITORS, 422),
    "steering:budget_line_edit": ("get", "budget_line", FINANCE_EDITORS, 200),
    "steering:transaction_create": ("post", "project", FINANCE_EDITORS, 422),
    "steering:in_kind_create": ("post", "project", FINANCE_EDITORS, 422),
    "steering:envelopes": ("get", None, READERS, 200),
    "steering:envelope_create": ("post", None, FINANCE_EDITORS, 422),
    "steering:envelope_edit": ("get", "envelope", FINANCE_EDITORS, 200),
    "steering:budget": ("get", None, READERS, 200),
    "steering:budget_export": ("get", None, READERS, 200),
}


def _budget_line(s):
    from passerelles.steering.tests.factories import BudgetLineFactory

    return [s.project.pk, BudgetLineFactory(project=s.project, funder=s.state).pk]


def _envelope(s):
    from passerelles.steering.enums import ProjectKind
    from passerelles.steering.models import BudgetEnvelope

    envelope, _created = BudgetEnvelope.objects.get_or_create(
        organisation=s.world.org, year=2012, project_kind=ProjectKind.INSTITUTIONAL, defaults={"amount": 10_000}
    )
    return [envelope.pk]


TARGETS = {
    "project": lambda s: [s.project.pk],
    "funder": lambda s: [s.state.pk],
    "budget_line": _budget_line,
    "envelope": _envelope,
}
