"""Permission matrix of the selection committee (walked by test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})


def _call(s):
    from passerelles.calls.tests.factories import CallFactory

    return CallFactory(organisation=s.world.org)


def _session_application(s):
    from passerelles.calls.tests.factories import ApplicationFactory, CommitteeSessionFactory

    call = _call(s)
    session = CommitteeSessionFactory(call=call)
    return [session.pk, ApplicationFactory(call=call, in_instruction=True).pk]


def _session(s):
    from passerelles.calls.tests.factories import CommitteeSessionFactory

    return [CommitteeSessionFactory(call=_call(s)).pk]


EXPECTED = {
    "calls:sessions": ("get", "committee_call", READERS, 200),
    "calls:session_create": ("get", "committee_call", EDITORS, 200),
    "calls:session": ("get", "committee_session", READERS, 200),
    # An empty decision is refused: accept or refuse must be chosen.
    "calls:session_decide": ("post", "committee_session_application", EDITORS, 422),
    "calls:session_close": ("post", "committee_session", EDITORS, 302),
}

TARGETS = {
    "committee_call": lambda s: [_call(s).pk],
    "committee_session": _session,
    "committee_session_application": _session_application,
}
