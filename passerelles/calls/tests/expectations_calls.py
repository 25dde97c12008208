"""Permission matrix of the calls and of their rules (walked by test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})


def _draft_call(s):
    """A draft call whose grid has the adopted strategy's alignment criteria: publishable."""
    from passerelles.calls.models import Criterion
    from passerelles.calls.tests.factories import CallFactory
    from passerelles.strategy.models import AlignmentCriterion

    call = CallFactory(organisation=s.world.org, draft=True)
    for principle in AlignmentCriterion.objects.filter(document=s.world.document):
        Criterion.objects.create(
            organisation=call.organisation, call=call, label=principle.title, alignment_criterion=principle
        )
    return [call.pk]


def _published_call(s):
    from passerelles.calls.tests.factories import CallFactory

    return [CallFactory(organisation=s.world.org).pk]


def _closed_call(s):
    from passerelles.calls.tests.factories import CallFactory

    return [CallFactory(organisation=s.world.org, closed=True).pk]


def _question(s):
    from passerelles.calls.tests.factories import CallFactory, QuestionFactory

    call = CallFactory(organisation=s.world.org)
    QuestionFactory(call=call)
    return [QuestionFactory(call=call).pk]


def _document(s):
    from passerelles.calls.tests.factories import CallFactory, RequiredDocumentFactory

    return [RequiredDocumentFactory(call=CallFactory(organisation=s.world.org)).pk]


def _criterion(s):
    from passerelles.calls.tests.factories import CallFactory, CriterionFactory

    return [CriterionFactory(call=CallFactory(organisation=s.world.org)).pk]


def _indicator(s):
    from passerelles.calls.tests.factories import CallFactory, ReportIndicatorFactory

    return [ReportIndicatorFactory(call=CallFactory(organisation=s.world.org)).pk]


EXPECTED = {
    "calls:calls": ("get", None, READERS, 200),
    "calls:calls_export": ("get", None, READERS, 200),
    # An empty call is refused: title, modalities and dates are required.
    "calls:call_create": ("post", None, EDITORS, 422),
    "calls:call": ("get", "calls_draft_call", READERS, 200),
    "calls:call_edit": ("get", "calls_published_call", EDITORS, 200),
    "calls:call_publish": ("post", "calls_draft_call", EDITORS, 302),
    "calls:call_close": ("post", "calls_published_call", EDITORS, 302),
    # Reopening needs a new closing date.
    "calls:call_reopen": ("post", "calls_closed_call", EDITORS, 422),
    "calls:question_create": ("post", "calls_published_call", EDITORS, 422),
    "calls:question_edit": ("get", "calls_question", EDITORS, 200),
    "calls:question_delete": ("get", "calls_question", EDITORS, 200),
    # Without a direction ("up" or "down") nothing moves.
    "calls:question_move": ("post", "calls_question", EDITORS, 422),
    "calls:document_create": ("get", "calls_published_call", EDITORS, 200),
    "calls:document_edit": ("post", "calls_document", EDITORS, 422),
    "calls:document_delete": ("post", "calls_document", EDITORS, 302),
    "calls:criterion_create": ("post", "calls_draft_call", EDITORS, 422),
    "calls:criterion_edit": ("get", "calls_criterion", EDITORS, 200),
    "calls:criterion_delete": ("post", "calls_criterion", EDITORS, 302),
    "calls:indicator_create": ("get", "calls_draft_call", EDITORS, 200),
    "calls:indicator_edit": ("post", "calls_indicator", EDITORS, 422),
    "calls:indicator_delete": ("get", "calls_indicator", EDITORS, 200),
}

TARGETS = {
    "calls_draft_call": _draft_call,
    "calls_published_call": _published_call,
    "calls_closed_call": _closed_call,
    "calls_question": _question,
    "calls_document": _document,
    "calls_criterion": _criterion,
    "calls_indicator": _indicator,
}
