"""The weekly digest: who gets what, once a week, with a working one-click unsubscribe."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from passerelles.actors.models import WatchDigest
from passerelles.actors.services.watch import send_weekly_digests
from passerelles.actors.tests.factories import NetworkFactory, WatchItemFactory, WatchSubscriptionFactory
from passerelles.core.tests.factories import OrganisationFactory, TerritoryFactory

NOW = datetime.datetime(2026, 11, 27, 8, 0, tzinfo=datetime.UTC)  # a Friday of ISO week 2026-W48


def _item(world, *, days_ago=1, **kwargs):
    return WatchItemFactory(organisation=world.org, created_at=NOW - datetime.timedelta(days=days_ago), **kwargs)


@pytest.fixture
def kayes(world):
    return TerritoryFactory(organisation=world.org, name="Kayes")


def test_tags_match_by_orientation_theme_or_territory(world, kayes):
    dakar = TerritoryFactory(organisation=world.org, name="Dakar")
    by_orientation = _item(world, title="Par orientation", orientations=[2])
    by_theme = _item(world, title="Par thématique", themes=["democracy"])
    by_territory = _item(world, title="Par territoire", territories=[kayes])
    unrelated = _item(world, title="Sans rapport", orientations=[3], themes=["youth_education"], territories=[dakar])
    untagged = _item(world, title="Sans étiquette")
    WatchSubscriptionFactory(
        organisation=world.org,
        label="Direction de la culture",
        email="culture@alpha.test",
        orientations=[2],
        themes=["democracy"],
        territories=[kayes],
    )
    everything = WatchSubscriptionFactory(organisation=world.org, label="Vice-présidence", email="vp@alpha.test")

    summary = send_weekly_digests(now=NOW)

    assert (summary.examined, summary.sent) == (2, 2)
    by_address = {m.to[0]: m.body for m in mail.outbox}
    tagged = by_address["culture@alpha.test"]
    for item in (by_orientation, by_theme, by_territory):
        assert item.title in tagged
    assert unrelated.title not in tagged
    assert untagged.title not in tagged
    # No tag at all: everything.
    for item in (by_orientation, by_theme, by_territory, unrelated, untagged):
        assert item.title in by_address[everything.email]
    assert summary.items == 3 + 5


def test_orientation_one_does_not_match_twelve(world):
    _item(world, title="Orientation douze", orientations=[12])
    WatchSubscriptionFactory(organisation=world.org, orientations=[1])
    assert send_weekly_digests(now=NOW).sent == 0
    assert mail.outbox == []


def test_window_starts_at_last_sent_or_seven_days_ago(world):
    _item(world, title="Trop ancienne", days_ago=8)
    _item(world, title="De la semaine", days_ago=6)
    _item(world, title="Avant le dernier envoi", days_ago=3)
    _item(world, title="Après le dernier envoi", days_ago=1)
    _item(world, title="Pas encore", days_ago=-1)
    never = WatchSubscriptionFactory(organisation=world.org, email="never@alpha.test")
    WatchSubscriptionFactory(
        organisation=world.org, email="before@alpha.test", last_sent_at=NOW - datetime.timedelta(days=2)
    )

    send_weekly_digests(now=NOW)

    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert "De la semaine" in by_address[never.email]
    assert "Avant le dernier envoi" in by_address[never.email]
    assert "Trop ancienne" not in by_address[never.email]
    assert "Pas encore" not in by_address[never.email]
    assert "Après le dernier envoi" in by_address["before@alpha.test"]
    assert "Avant le dernier envoi" not in by_address["before@alpha.test"]


def test_nothing_new_sends_nothing(world):
    _item(world, days_ago=10)
    subscription = WatchSubscriptionFactory(organisation=world.org)
    summary = send_weekly_digests(now=NOW)
    assert (summary.examined, summary.sent, summary.skipped_empty) == (1, 0, 1)
    assert mail.outbox == []
    subscription.refresh_from_db()
    assert subscription.last_sent_at is None
    assert not WatchDigest.objects.exists()


def test_second_run_in_the_same_week_sends_nothing(world):
    _item(world)
    subscription = WatchSubscriptionFactory(organisation=world.org)
    first = send_weekly_digests(now=NOW)
    # An item entered after the first run, in the same ISO week: it waits for next week's digest.
    WatchItemFactory(
        organisation=world.org, title="Arrivée après l'envoi", created_at=NOW + datetime.timedelta(hours=1)
    )
    second = send_weekly_digests(now=NOW + datetime.timedelta(hours=30))

    assert (first.sent, second.sent, second.already_sent) == (1, 0, 1)
    assert len(mail.outbox) == 1
    digest = WatchDigest.objects.get()
    assert (digest.subscription, digest.week, digest.item_count) == (subscription, "2026-W48", 1)
    subscription.refresh_from_db()
    assert subscription.last_sent_at == NOW

    # Next week, the item entered after the first run comes, and only it.
    third = send_weekly_digests(now=NOW + datetime.timedelta(days=7))
    assert third.sent == 1
    assert "Arrivée après l'envoi" in mail.outbox[-1].body
    assert WatchDigest.objects.filter(week="2026-W49").exists()


def test_inactive_subscription_is_skipped(world):
    _item(world)
    WatchSubscriptionFactory(organisation=world.org, is_active=False, unsubscribed_at=NOW)
    summary = send_weekly_digests(now=NOW)
    assert (summary.examined, summary.sent) == (0, 0)
    assert mail.outbox == []


def test_another_organisation_items_never_reach_a_subscription(world):
    other = OrganisationFactory(slug="gamma")
    WatchItemFactory(organisation=other, title="Information de Gamma", created_at=NOW - datetime.timedelta(days=1))
    _item(world, title="Information d'Alpha")
    WatchSubscriptionFactory(organisation=world.org)
    send_weekly_digests(now=NOW, organisation=world.org)
    assert len(mail.outbox) == 1
    assert "Information d'Alpha" in mail.outbox[0].body
    assert "Information de Gamma" not in mail.outbox[0].body


def test_email_has_subject_alternative_and_one_click_unsubscribe_headers(world, settings):
    settings.PUBLIC_BASE_URL = "https://passerelles.example.fr/"
    network = NetworkFactory(organisation=world.org, name="Cités Unies France")
    _item(world, title="Assises de la coopération", network=network, url="https://example.org/assises")
    subscription = WatchSubscriptionFactory(organisation=world.org, label="Direction de la culture")

    send_weekly_digests(now=NOW)

    (message,) = mail.outbox
    url = f"https://passerelles.example.fr/public/veille/desabonnement/{subscription.token}/"
    assert world.org.name in message.subject
    assert "2026-W48" in message.subject
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    assert "Assises de la coopération" in message.body and "Cités Unies France" in message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{url}"' in html
    assert 'href="https://example.org/assises"' in html
    assert len(subscription.token) == 43


def test_hostile_title_is_escaped_in_html_only(world):
    _item(world, title="<script>alert(1)</script>")
    WatchSubscriptionFactory(organisation=world.org)
    send_weekly_digests(now=NOW)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" in message.body  # plain text is not HTML


def test_dry_run_writes_and_sends_nothing(world):
    _item(world)
    subscription = WatchSubscriptionFactory(organisation=world.org)
    summary = send_weekly_digests(now=NOW, dry_run=True)
    assert (summary.sent, summary.items) == (1, 1)
    assert mail.outbox == []
    assert not WatchDigest.objects.exists()
    subscription.refresh_from_db()
    assert subscription.last_sent_at is None


def test_a_failing_address_does_not_stop_the_others(world, monkeypatch):
    from passerelles.actors.services import watch as watch_services

    _item(world)
    WatchSubscriptionFactory(organisation=world.org, email="a@alpha.test", label="A")
    WatchSubscriptionFactory(organisation=world.org, email="b@alpha.test", label="B")
    real = watch_services._message

    def flaky(digest):
        if digest.subscription.email == "a@alpha.test":
            raise OSError("refused")
        return real(digest)

    monkeypatch.setattr(watch_services, "_message", flaky)
    summary = send_weekly_digests(now=NOW)
    assert (summary.sent, summary.failed) == (1, 1)
    assert [m.to for m in mail.outbox] == [["b@alpha.test"]]
    # The failed one is not recorded: the next run tries again.
    assert list(WatchDigest.objects.values_list("subscription__email", flat=True)) == ["b@alpha.test"]


def test_command_prints_counts_and_honours_options(world, time_machine):
    # The command reads the real clock: put it in the week the items are dated from.
    time_machine.move_to(NOW, tick=False)
    _item(world)
    WatchSubscriptionFactory(organisation=world.org)
    other = OrganisationFactory(slug="gamma")
    WatchSubscriptionFactory(organisation=other)

    out = StringIO()
    call_command("send_watch_digest", "--organisation", "alpha", "--dry-run", stdout=out)
    assert "Simulation" in out.getvalue()
    assert "1 abonnement(s) examiné(s), 1 courriel(s) à envoyer, 1 information(s)" in out.getvalue()
    assert mail.outbox == []

    out = StringIO()
    call_command("send_watch_digest", stdout=out)
    assert "2 abonnement(s) examiné(s), 1 courriel(s) envoyé(s), 1 information(s) incluse(s)" in out.getvalue()
    assert len(mail.outbox) == 1

    with pytest.raises(CommandError):
        call_command("send_watch_digest", "--organisation", "nulle-part", stdout=StringIO())


def test_iso_week_uses_local_time(settings):
    from passerelles.actors.selectors.watch import iso_week

    # Sunday 23:30 UTC is already Monday in Paris: the next ISO week.
    assert iso_week(datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)) == "2026-W49"
    assert iso_week(timezone.now()).startswith(str(timezone.localdate().isocalendar()[0]))
