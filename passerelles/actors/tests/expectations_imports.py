"""Permission matrix of the bulk import of actors (walked by core/tests/test_permission_matrix.py)."""

from passerelles.core.enums import Role

EDITORS = frozenset({Role.ADMIN, Role.OFFICER})

EXPECTED = {
    "actors:import": ("get", None, EDITORS, 200),
    "actors:import_template": ("get", None, EDITORS, 200),
    # Without a file waiting in the session, the report, its export and the confirmation send back to the upload.
    "actors:import_report": ("get", None, EDITORS, 302),
    "actors:import_report_export": ("get", None, EDITORS, 302),
    "actors:import_confirm": ("post", None, EDITORS, 302),
}

TARGETS = {}
