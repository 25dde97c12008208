import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.core.audit import audited_models, journal
from passerelles.core.enums import Role
from passerelles.strategy import services
from passerelles.strategy.tests.factories import ActionFactory


def test_every_domain_model_is_audited():
    from django.apps import apps

    domain = [m for m in apps.get_models() if m._meta.app_label in {"core", "strategy"}]
    not_audited = [
        m._meta.label
        for m in domain
        if not hasattr(m, "history")
        and not m._meta.label.startswith(
            ("core.User", "core.LoginFailure", "core.SubmissionToken", "strategy.ActionTransition")
        )
        and not m.__name__.startswith("Historical")
        and not m._meta.auto_created
    ]
    # ActionTransition is itself a log; User carries no organisation (memberships are audited); LoginFailure is
    # short-lived throttling data (unlocks are audited as AccountUnlock); SubmissionToken is a technical, short-lived
    # record of a rendered form (what the form created is audited).
    assert not_audited == []
    assert {"action", "orientation", "strategydocument", "membership", "directorate", "territory"} <= set(
        audited_models()
    )


def test_journal_shows_field_changes_by_whom(world):
    admin = world.members[Role.ADMIN]
    services.action_change_status(action=world.action, status="in_progress", user=admin)
    world.action.history.filter(history_type="~").update(history_user=admin)
    rows = journal(organisation=world.org)
    status_rows = [
        r for r in rows if r.model_key == "action" and any(c.label == "état d'avancement" for c in r.entry.changes)
    ]
    assert status_rows and status_rows[0].entry.changes[0].old == "Non engagée"
    assert all(r.model_key != "action" or r.object_id != world.other_action.pk for r in rows)


def test_journal_never_shows_another_organisation(world):
    rows = journal(organisation=world.org)
    ids = {(r.model_key, r.object_id) for r in rows}
    assert ("action", world.other_action.pk) not in ids
    assert ("organisation", world.other_org.pk) not in ids


def test_journal_queries_are_bounded_by_models_not_rows(world, client):
    client.force_login(world.members[Role.ADMIN])
    url = reverse("core:journal", args=["alpha"])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(60):
        action = ActionFactory(document=world.document, code=f"Q{n}", priority=world.priority)
        action.title = f"Titre {n}"
        action.save()
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    # Queries depend on the number of audited models (one history query, one predecessor query and one lookup per
    # related model), never on the number of rows.
    bound = 12 + 3 * len(audited_models())
    assert len(small) <= bound and len(large) <= bound, (len(small), len(large), bound)


def test_object_history_page(world, client):
    client.force_login(world.members[Role.ADMIN])
    membership = world.org.memberships.get(user=world.members[Role.VIEWER])
    membership.role = Role.OFFICER
    membership.save()
    response = client.get(reverse("core:object_history", args=["alpha", "membership", membership.pk]))
    assert response.status_code == 200 and "Chargé·e de mission" in response.content.decode()
    assert client.get(reverse("core:object_history", args=["alpha", "nothing", 1])).status_code == 404
    assert (
        client.get(reverse("core:object_history", args=["alpha", "organisation", world.other_org.pk])).status_code
        == 404
    )
    assert client.get(reverse("core:object_history", args=["alpha", "organisation", world.org.pk])).status_code == 200
    foreign = world.other_action.pk
    assert client.get(reverse("core:object_history", args=["alpha", "action", foreign])).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_admins_read_the_journal(world, client, role):
    client.force_login(world.members[role])
    assert client.get(reverse("core:journal", args=["alpha"])).status_code == 403
