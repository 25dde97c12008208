"""The committee: ranking arithmetic (conflicted and unsubmitted reviews left out), decision rules, emails, pages."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passerelles.calls.enums import ApplicationStatus
from passerelles.calls.models import ApplicationTransition, Score
from passerelles.calls.selectors import committee as selectors
from passerelles.calls.services import committee as services
from passerelles.calls.tests.factories import (
    ApplicationFactory,
    CallFactory,
    CommitteeSessionFactory,
    CriterionFactory,
    ReviewAssignmentFactory,
)
from passerelles.core.enums import Role
from passerelles.core.tests.factories import UserFactory


def _review(application, scores: dict, *, conflict=False, submitted=True):
    assignment = ReviewAssignmentFactory(
        application=application,
        reviewer=UserFactory(),
        has_conflict=conflict,
        declared_at=timezone.now(),
        submitted_at=timezone.now() if submitted and not conflict else None,
    )
    for criterion, value in scores.items():
        Score.objects.create(
            organisation=application.organisation, assignment=assignment, criterion=criterion, score=value
        )
    return assignment


@pytest.fixture
def call(world):
    return CallFactory(organisation=world.org, envelope=Decimal("8000"), max_amount=Decimal("6000"))


@pytest.fixture
def grid(call):
    return CriterionFactory(call=call, weight=3), CriterionFactory(call=call, weight=1)


def test_weighted_mean_leaves_out_conflicted_and_unsubmitted_reviews(world, call, grid):
    heavy, light = grid
    application = ApplicationFactory(call=call, in_instruction=True)
    _review(application, {heavy: 4, light: 2})  # (4*3 + 2*1) / 4 = 3.5
    _review(application, {heavy: 5, light: 5})  # 5
    # A conflicted reviewer cannot submit; any score row it might have must not count.
    conflicted = _review(application, {}, conflict=True)
    Score.objects.create(organisation=call.organisation, assignment=conflicted, criterion=heavy, score=0)
    _review(application, {heavy: 0, light: 0}, submitted=False)  # draft scores do not count
    # Pooled: (12 + 2 + 15 + 5) / (3 + 1 + 3 + 1) = 34 / 8 = 4.25
    assert selectors.score_of(application=application) == 4.25
    [line] = selectors.ranking(organisation=call.organisation, call=call, user=world.members[Role.OFFICER])
    assert line.score == 4.25
    assert line.application.reviewer_count == 2
    assert line.application.conflict_count == 1


def test_ranking_orders_by_score_with_cumulative_amount_and_envelope(world, call, grid):
    heavy, light = grid
    low = ApplicationFactory(call=call, in_instruction=True, amount_requested=Decimal("3000"))
    high = ApplicationFactory(call=call, in_instruction=True, amount_requested=Decimal("4000"))
    unscored = ApplicationFactory(call=call, in_instruction=True, amount_requested=Decimal("2000"))
    refused = ApplicationFactory(
        call=call, status=ApplicationStatus.REFUSED, decision_motivation="Hors sujet", amount_requested=Decimal("9000")
    )
    ApplicationFactory(call=call, submitted=True)  # not yet in instruction: not ranked
    _review(low, {heavy: 2, light: 2})
    _review(high, {heavy: 5, light: 4})
    _review(refused, {heavy: 1, light: 1})
    lines = selectors.ranking(organisation=call.organisation, call=call, user=world.members[Role.OFFICER])
    assert [line.application for line in lines] == [high, low, refused, unscored]
    assert [line.cumulative for line in lines] == [Decimal("4000"), Decimal("7000"), Decimal("7000"), Decimal("9000")]
    assert [line.over_envelope for line in lines] == [False, False, False, True]


def test_accept_within_bounds_logs_the_move_and_emails(call, world, django_capture_on_commit_callbacks):
    session = CommitteeSessionFactory(call=call)
    application = ApplicationFactory(call=call, in_instruction=True, amount_requested=Decimal("5000"))
    officer = world.members[Role.OFFICER]
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            application=application, session=session, by=officer, accepted=True, amount=Decimal("4500"), motivation=""
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.decided_amount == Decimal("4500")
    assert application.session == session and application.decided_at is not None
    move = ApplicationTransition.objects.get(application=application)
    assert (move.from_status, move.to_status, move.by) == ("in_instruction", "accepted", officer)
    [email] = mail.outbox
    assert email.to == [application.applicant.email]
    assert "retenue" in email.subject
    assert re.search(r"4\s?500,00 €", email.body)


def test_refusal_needs_a_motivation_and_sends_it(call, world, django_capture_on_commit_callbacks):
    session = CommitteeSessionFactory(call=call)
    application = ApplicationFactory(call=call, in_instruction=True)
    officer = world.members[Role.OFFICER]
    with pytest.raises(ValidationError) as error:
        services.application_decide(
            application=application, session=session, by=officer, accepted=False, amount=None, motivation="  "
        )
    assert "motivation" in error.value.error_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_INSTRUCTION
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            application=application,
            session=session,
            by=officer,
            accepted=False,
            amount=None,
            motivation="Le projet ne vise pas les orientations de l'appel.",
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED and application.decided_amount is None
    assert "ne vise pas les orientations" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (None, "supérieur à zéro"),
        (Decimal("0"), "supérieur à zéro"),
        (Decimal("5000.01"), "montant demandé"),
        (Decimal("5000"), None),
    ],
)
def test_amount_bounds(call, world, amount, message):
    call.max_amount = Decimal("8000")
    call.save()
    session = CommitteeSessionFactory(call=call)
    application = ApplicationFactory(call=call, in_instruction=True, amount_requested=Decimal("5000"))
    kwargs = {"session": session, "by": world.members[Role.ADMIN], "accepted": True, "motivation": ""}
    if message is None:
        services.application_decide(application=application, amount=amount, **kwargs)
        return
    with pytest.raises(ValidationError) as error:
        services.application_decide(application=application, amount=amount, **kwargs)
    assert message in " ".join(error.value.error_dict["amount"][0].messages)


def test_amount_above_the_call_ceiling_is_refused(call, world):
    session = CommitteeSessionFactory(call=call)
    application = ApplicationFactory(call=call, in_instruction=True, amount_requested=Decimal("9000"))
    with pytest.raises(ValidationError) as error:
        services.application_decide(
            application=application,
            session=session,
            by=world.members[Role.ADMIN],
            accepted=True,
            amount=Decimal("6500"),
            motivation="",
        )
    assert "plafond de l'appel" in str(error.value)


def test_decisions_need_rights_an_open_session_and_an_application_in_instruction(call, world):
    session = CommitteeSessionFactory(call=call)
    application = ApplicationFactory(call=call, submitted=True)
    kwargs = {"session": session, "accepted": True, "amount": Decimal("100"), "motivation": ""}
    with pytest.raises(PermissionDenied):
        services.application_decide(application=application, by=world.members[Role.VIEWER], **kwargs)
    with pytest.raises(ValidationError, match="Passage impossible"):
        services.application_decide(application=application, by=world.members[Role.OFFICER], **kwargs)
    other_session = CommitteeSessionFactory(call=CallFactory(organisation=world.org))
    in_instruction = ApplicationFactory(call=call, in_instruction=True)
    with pytest.raises(ValidationError, match="ne relève pas"):
        services.application_decide(
            application=in_instruction, by=world.members[Role.OFFICER], **{**kwargs, "session": other_session}
        )
    services.session_close(session=session, by=world.members[Role.OFFICER])
    with pytest.raises(ValidationError, match="close"):
        services.application_decide(application=in_instruction, by=world.members[Role.OFFICER], **kwargs)


def test_over_the_envelope_is_a_warning_not_a_refusal(call, world, client):
    session = CommitteeSessionFactory(call=call)
    ApplicationFactory(call=call, accepted=True, decided_amount=Decimal("6000"))
    application = ApplicationFactory(call=call, in_instruction=True, amount_requested=Decimal("5000"))
    client.force_login(world.members[Role.OFFICER])
    url = reverse("calls:session_decide", args=[world.org.slug, session.pk, application.pk])
    prefix = f"a{application.pk}-"
    response = client.post(url, {prefix + "decision": "accept", prefix + "amount": "5000"}, follow=True)
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert "dépassent l&#x27;enveloppe" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({}, "Choisissez de retenir ou de refuser"),
        ({"decision": "refuse", "motivation": ""}, "Un refus est toujours motivé"),
        ({"decision": "accept", "amount": "abc"}, "Saisissez un nombre"),
        ({"decision": "accept", "amount": "9" * 20}, "chiffres"),
        ({"decision": "hack"}, "Sélectionnez un choix valide"),
    ],
)
def test_decision_form_errors_are_422_with_a_message(call, world, client, data, field_message):
    session = CommitteeSessionFactory(call=call)
    application = ApplicationFactory(call=call, in_instruction=True)
    client.force_login(world.members[Role.OFFICER])
    url = reverse("calls:session_decide", args=[world.org.slug, session.pk, application.pk])
    response = client.post(url, {f"a{application.pk}-{k}": v for k, v in data.items()})
    assert response.status_code == 422
    assert field_message in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_INSTRUCTION


def test_hostile_motivation_is_shown_as_text(call, world, client):
    session = CommitteeSessionFactory(call=call)
    application = ApplicationFactory(call=call, in_instruction=True)
    client.force_login(world.members[Role.OFFICER])
    url = reverse("calls:session_decide", args=[world.org.slug, session.pk, application.pk])
    prefix = f"a{application.pk}-"
    client.post(url, {prefix + "decision": "refuse", prefix + "motivation": "<script>alert(1)</script>"})
    page = client.get(reverse("calls:session", args=[world.org.slug, session.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_application_of_another_call_is_404_on_the_session(call, world, client):
    session = CommitteeSessionFactory(call=call)
    stranger = ApplicationFactory(call=CallFactory(organisation=world.org), in_instruction=True)
    client.force_login(world.members[Role.OFFICER])
    url = reverse("calls:session_decide", args=[world.org.slug, session.pk, stranger.pk])
    assert client.post(url, {}).status_code == 404


def test_session_create_form(call, world, client):
    client.force_login(world.members[Role.OFFICER])
    url = reverse("calls:session_create", args=[world.org.slug, call.pk])
    response = client.post(url, {"title": "", "held_on": "pas une date"})
    assert response.status_code == 422
    assert "Ce champ est obligatoire" in response.content.decode()
    response = client.post(url, {"title": "x" * 300, "held_on": "2026-12-10"})
    assert response.status_code == 422
    response = client.post(url, {"title": "<b>Comité</b>", "held_on": "2026-12-10"})
    assert response.status_code == 302
    listing = client.get(reverse("calls:sessions", args=[world.org.slug, call.pk])).content.decode()
    assert "&lt;b&gt;Comité&lt;/b&gt;" in listing


def test_closed_session_is_read_only(call, world, client):
    session = CommitteeSessionFactory(call=call)
    ApplicationFactory(call=call, in_instruction=True)
    client.force_login(world.members[Role.OFFICER])
    assert client.post(reverse("calls:session_close", args=[world.org.slug, session.pk])).status_code == 302
    page = client.get(reverse("calls:session", args=[world.org.slug, session.pk])).content.decode()
    assert "Séance close" in page and "Enregistrer la décision" not in page


def _session_queries(client, url):
    client.get(url)  # warm the per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_session_page_query_count_does_not_grow(call, grid, world, client):
    heavy, light = grid
    session = CommitteeSessionFactory(call=call)
    client.force_login(world.members[Role.OFFICER])
    url = reverse("calls:session", args=[world.org.slug, session.pk])

    def add(n):
        for _ in range(n):
            application = ApplicationFactory(call=call, in_instruction=True)
            _review(application, {heavy: 3, light: 4})
        ApplicationFactory(call=call, accepted=True)

    add(2)
    small = _session_queries(client, url)
    add(8)
    assert _session_queries(client, url) == small
