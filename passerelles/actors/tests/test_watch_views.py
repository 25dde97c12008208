"""Back-office pages of the watch: items (list, filters, export, forms) and subscriptions (list, forms, preview)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passerelles.actors.models import WatchItem, WatchSubscription
from passerelles.actors.tests.factories import NetworkFactory, WatchItemFactory, WatchSubscriptionFactory
from passerelles.core.enums import Role
from passerelles.core.tests.factories import DirectorateFactory, OrganisationFactory, TerritoryFactory


def _url(world, name, *args):
    return reverse(f"actors:{name}", args=[world.org.slug, *args])


@pytest.fixture
def officer(world, client):
    client.force_login(world.members[Role.OFFICER])
    return client


@pytest.fixture
def kayes(world):
    return TerritoryFactory(organisation=world.org, name="Kayes")


def _item_data(**overrides):
    data = {
        "title": "Appel à projets de l'AFD",
        "url": "https://www.afd.fr/appel",
        "published_on": "2026-11-20",
        "summary": "Financement des collectivités.",
        "orientations": ["1"],
        "themes": ["democracy"],
    }
    data.update(overrides)
    return data


# -- items list ---------------------------------------------------------------------------------------


def test_list_shows_items_with_tags_and_safe_external_link(world, client, kayes):
    network = NetworkFactory(organisation=world.org, name="Cités Unies France")
    WatchItemFactory(
        organisation=world.org,
        title="Assises de la coopération",
        url="https://example.org/assises",
        network=network,
        orientations=[2],
        themes=["youth_education"],
        territories=[kayes],
    )
    WatchItemFactory(organisation=OrganisationFactory(slug="gamma"), title="Information de Gamma")
    client.force_login(world.members[Role.VIEWER])
    response = client.get(_url(world, "watch"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Assises de la coopération" in html and "Cités Unies France" in html
    assert 'href="https://example.org/assises" rel="noopener noreferrer external"' in html
    orientation = world.orientations[1]
    assert f"{orientation.number}. {orientation.title}"[:40] in html
    assert "Jeunesse et éducation" in html and "Kayes" in html
    assert "Information de Gamma" not in html
    # A reader sees no write link.
    assert _url(world, "watch_item_create") not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "coopération"}, {"A"}),
        ({"q": "résumé b"}, {"B"}),
        ({"orientation": "1"}, {"A"}),
        ({"theme": "democracy"}, {"B"}),
        ({"territory": "KAYES"}, {"B"}),
        ({"network": "CUF"}, {"A"}),
        ({"date_from": "2026-11-10"}, {"B"}),
        ({"date_to": "2026-11-10"}, {"A"}),
        ({"orientation": "99"}, {"A", "B"}),  # unknown: the filter is refused and ignored, no crash
        ({"date_from": "pas une date"}, {"A", "B"}),
    ],
)
def test_filters(world, officer, kayes, params, expected):
    network = NetworkFactory(organisation=world.org, name="Cités Unies France")
    WatchItemFactory(
        organisation=world.org,
        title="A",
        summary="Coopération décentralisée",
        network=network,
        orientations=[1, 12],
        published_on=datetime.date(2026, 11, 1),
    )
    WatchItemFactory(
        organisation=world.org,
        title="B",
        summary="Résumé B",
        themes=["democracy"],
        orientations=[12],
        territories=[kayes],
        published_on=datetime.date(2026, 11, 20),
    )
    params = dict(params)
    if params.get("territory") == "KAYES":
        params["territory"] = kayes.pk
    if params.get("network") == "CUF":
        params["network"] = network.pk
    response = officer.get(_url(world, "watch"), params)
    assert response.status_code == 200
    shown = {item.title for item in response.context["entries"]}
    assert shown == expected


def test_export_follows_filters_and_neutralises_formulas(world, officer):
    WatchItemFactory(organisation=world.org, title='=HYPERLINK("x")', themes=["democracy"], orientations=[1])
    WatchItemFactory(organisation=world.org, title="Autre", themes=["youth_education"])
    response = officer.get(_url(world, "watch_export"), {"theme": "democracy", "format": "csv", "sep": "semicolon"})
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in body and "Autre" not in body
    assert f"1. {world.orientations[0].title}" in body
    xlsx = officer.get(_url(world, "watch_export"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert officer.get(_url(world, "watch_export"), {"format": "pdf"}).status_code == 404


# -- item forms ---------------------------------------------------------------------------------------


def test_officer_creates_edits_and_deletes_an_item(world, officer, kayes):
    network = NetworkFactory(organisation=world.org)
    data = _item_data(network=network.pk, territories=[kayes.pk], orientations=["1", "3"])
    response = officer.post(_url(world, "watch_item_create"), data)
    assert response.status_code == 302
    item = WatchItem.objects.get()
    assert (item.organisation, item.network, item.orientations, item.themes) == (
        world.org,
        network,
        [1, 3],
        ["democracy"],
    )
    assert list(item.territories.all()) == [kayes]
    assert item.created_by == world.members[Role.OFFICER]

    response = officer.post(_url(world, "watch_item_edit", item.pk), _item_data(title="Nouveau titre", themes=[]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.themes, item.territories.count()) == ("Nouveau titre", [], 0)

    assert officer.get(_url(world, "watch_item_delete", item.pk)).status_code == 200
    assert WatchItem.objects.exists()  # GET only asks
    assert officer.post(_url(world, "watch_item_delete", item.pk)).status_code == 302
    assert not WatchItem.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Ce champ est obligatoire"),
        ({"title": "x" * 300}, "title", "255 caractères"),
        ({"orientations": ["99"]}, "orientations", "Orientation inconnue"),
        ({"orientations": ["un"]}, "orientations", "Orientation inconnue"),
        ({"url": "javascript:alert(1)"}, "url", "URL valide"),
        ({"url": "pas une adresse"}, "url", "URL valide"),
        ({"themes": ["piraterie"]}, "themes", "choix valide"),
        ({"published_on": "31/02/2026"}, "published_on", "date valide"),
        ({"summary": "x" * 5001}, "summary", "5000 caractères"),
    ],
)
def test_bad_item_input_is_refused_on_the_field(world, officer, overrides, field, message):
    response = officer.post(_url(world, "watch_item_create"), _item_data(**overrides))
    assert response.status_code == 422
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors.replace("\u202f", "").replace(" ", " ")
    assert not WatchItem.objects.exists()


def test_another_organisation_network_or_territory_is_refused(world, officer):
    other = OrganisationFactory(slug="gamma")
    network = NetworkFactory(organisation=other)
    territory = TerritoryFactory(organisation=other)
    response = officer.post(
        _url(world, "watch_item_create"), _item_data(network=network.pk, territories=[territory.pk])
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"network", "territories"}
    assert not WatchItem.objects.exists()


def test_hostile_title_is_shown_escaped(world, officer):
    officer.post(_url(world, "watch_item_create"), _item_data(title="<script>alert(1)</script>"))
    html = officer.get(_url(world, "watch")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_orientation_choices_are_the_adopted_strategy(world, officer):
    form = officer.get(_url(world, "watch_item_create")).context["form"]
    assert [n for n, _label in form.fields["orientations"].choices] == [1, 2, 3]


def test_other_organisation_item_is_404(world, officer):
    item = WatchItemFactory(organisation=OrganisationFactory(slug="gamma"))
    assert officer.get(_url(world, "watch_item_edit", item.pk)).status_code == 404
    assert officer.post(_url(world, "watch_item_delete", item.pk)).status_code == 404
    assert WatchItem.objects.filter(pk=item.pk).exists()


# -- subscriptions ------------------------------------------------------------------------------------


def _subscription_data(**overrides):
    data = {"kind": "elected", "label": "Vice-présidence aux relations internationales", "email": "VP@Alpha.test"}
    data.update(overrides)
    return data


def test_officer_creates_a_tagged_subscription(world, officer, kayes):
    data = _subscription_data(orientations=["2"], themes=["democracy"], territories=[kayes.pk])
    response = officer.post(_url(world, "watch_subscription_create"), data)
    assert response.status_code == 302
    subscription = WatchSubscription.objects.get()
    assert (subscription.email, subscription.orientations, subscription.themes) == (
        "vp@alpha.test",
        [2],
        ["democracy"],
    )
    assert list(subscription.territories.all()) == [kayes]
    assert subscription.is_active and len(subscription.token) == 43


def test_directorate_subscription_takes_its_label_from_the_directorate(world, officer):
    data = _subscription_data(kind="directorate", label="", directorate=world.directorate.pk, email="dc@alpha.test")
    assert officer.post(_url(world, "watch_subscription_create"), data).status_code == 302
    assert WatchSubscription.objects.get().label == world.directorate.name


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": "directorate"}, "directorate", "Choisissez la direction"),
        ({"label": ""}, "label", "pas un nom de personne"),
        ({"label": "x" * 201}, "label", "200 caractères"),
        ({"email": "pas-une-adresse"}, "email", "adresse de courriel valide"),
        ({"email": ""}, "email", "obligatoire"),
        ({"orientations": ["7"]}, "orientations", "Orientation inconnue"),
        ({"kind": "person"}, "kind", "choix valide"),
    ],
)
def test_bad_subscription_input_is_refused_on_the_field(world, officer, overrides, field, message):
    response = officer.post(_url(world, "watch_subscription_create"), _subscription_data(**overrides))
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field]).replace("\u202f", "")
    assert not WatchSubscription.objects.exists()


def test_duplicate_email_is_a_field_message(world, officer):
    WatchSubscriptionFactory(organisation=world.org, email="vp@alpha.test")
    response = officer.post(_url(world, "watch_subscription_create"), _subscription_data(email=" VP@alpha.TEST "))
    assert response.status_code == 422
    assert response.context["form"].errors["email"] == ["Cette adresse est déjà abonnée."]
    assert WatchSubscription.objects.count() == 1
    # The same address in another organisation is another subscription.
    WatchSubscriptionFactory(organisation=OrganisationFactory(slug="gamma"), email="other@alpha.test")
    assert (
        officer.post(_url(world, "watch_subscription_create"), _subscription_data(email="other@alpha.test")).status_code
        == 302
    )


def test_edit_keeps_its_own_email_and_changes_tags(world, officer):
    subscription = WatchSubscriptionFactory(organisation=world.org, email="vp@alpha.test", themes=["democracy"])
    response = officer.post(
        _url(world, "watch_subscription_edit", subscription.pk), _subscription_data(email="vp@alpha.test")
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.themes == [] and subscription.label.startswith("Vice-présidence")


def test_deactivate_and_reactivate(world, officer):
    subscription = WatchSubscriptionFactory(organisation=world.org)
    url = _url(world, "watch_subscription_toggle", subscription.pk)
    assert officer.get(url).status_code == 405
    officer.post(url)
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.unsubscribed_at is not None
    officer.post(url)
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.unsubscribed_at is None


def test_subscriptions_list_and_export(world, officer, kayes):
    WatchSubscriptionFactory(
        organisation=world.org,
        kind="directorate",
        directorate=world.directorate,
        label="<b>Culture</b>",
        email="culture@alpha.test",
        territories=[kayes],
    )
    WatchSubscriptionFactory(organisation=world.org, label="Présidence", is_active=False)
    WatchSubscriptionFactory(organisation=OrganisationFactory(slug="gamma"), label="Gamma")
    html = officer.get(_url(world, "watch_subscriptions")).content.decode()
    assert "&lt;b&gt;Culture&lt;/b&gt;" in html and "culture@alpha.test" in html and "Kayes" in html
    assert "Présidence" in html and "Réactiver" in html
    assert "Gamma" not in html
    body = officer.get(_url(world, "watch_subscriptions_export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "culture@alpha.test" in body and "Direction de la culture" in body and "Gamma" not in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Culture", "Présidence"}),
        ({"q": "PRESID"}, {"Présidence"}),
        ({"q": "culture@"}, {"Culture"}),
        ({"kind": "directorate"}, {"Culture"}),
        ({"state": "inactive"}, {"Présidence"}),
        ({"state": "active"}, {"Culture"}),
        ({"directorate": "DIR"}, {"Culture"}),
        ({"state": "n'importe"}, {"Culture", "Présidence"}),
    ],
)
def test_subscription_filters(world, officer, params, expected):
    WatchSubscriptionFactory(
        organisation=world.org, kind="directorate", directorate=world.directorate, label="Culture", email="culture@a.fr"
    )
    WatchSubscriptionFactory(organisation=world.org, label="Présidence", email="presidence@a.fr", is_active=False)
    if params.get("directorate") == "DIR":
        params = {"directorate": world.directorate.pk}
    response = officer.get(_url(world, "watch_subscriptions"), params)
    assert {s.label for s in response.context["entries"]} == expected
    htmx = officer.get(_url(world, "watch_subscriptions"), params, headers={"HX-Request": "true"})
    assert b"<html" not in htmx.content and b"subscription-results" in htmx.content


def test_preview_shows_the_email_of_this_week(world, officer):
    WatchItemFactory(organisation=world.org, title="Pour la culture", themes=["democracy"])
    WatchItemFactory(organisation=world.org, title="Pour les sports", themes=["youth_education"])
    subscription = WatchSubscriptionFactory(organisation=world.org, label="Culture", themes=["democracy"])
    response = officer.get(_url(world, "watch_subscription_preview", subscription.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert world.org.name in response.context["subject"]
    assert "Pour la culture" in html and "Pour les sports" not in html
    assert f"/public/veille/desabonnement/{subscription.token}/" in html


def test_other_organisation_subscription_is_404(world, officer):
    subscription = WatchSubscriptionFactory(organisation=OrganisationFactory(slug="gamma"))
    for name in ("watch_subscription_edit", "watch_subscription_preview"):
        assert officer.get(_url(world, name, subscription.pk)).status_code == 404
    assert officer.post(_url(world, "watch_subscription_toggle", subscription.pk)).status_code == 404


def test_viewer_cannot_write(world, client):
    client.force_login(world.members[Role.VIEWER])
    assert client.post(_url(world, "watch_item_create"), _item_data()).status_code == 403
    assert client.get(_url(world, "watch_subscriptions")).status_code == 403
    assert not WatchItem.objects.exists()


# -- query counts ---------------------------------------------------------------------------------------


def _count(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


def _bulk_items(world, network, territory, start, count):
    items = WatchItem.objects.bulk_create(
        WatchItem(
            organisation=world.org,
            title=f"Information {n:05}",
            network=network,
            published_on=datetime.date(2026, 11, 1) + datetime.timedelta(days=n % 20),
            orientations=[1, 2],
            themes=["democracy"],
        )
        for n in range(start, start + count)
    )
    WatchItem.territories.through.objects.bulk_create(
        WatchItem.territories.through(watchitem_id=i.pk, territory_id=territory.pk) for i in items
    )


def _bulk_subscriptions(world, directorate, territory, start, count):
    subscriptions = WatchSubscription.objects.bulk_create(
        WatchSubscription(
            organisation=world.org,
            kind="directorate",
            directorate=directorate,
            label=f"Abonnement {n:05}",
            email=f"abonne{n}@alpha.test",
            token=f"token-{n:05}",
            themes=["democracy"],
            orientations=[1],
        )
        for n in range(start, start + count)
    )
    WatchSubscription.territories.through.objects.bulk_create(
        WatchSubscription.territories.through(watchsubscription_id=s.pk, territory_id=territory.pk)
        for s in subscriptions
    )


def test_lists_cost_a_constant_number_of_queries(world, officer, kayes):
    network = NetworkFactory(organisation=world.org)
    directorate = DirectorateFactory(organisation=world.org, name="Direction des finances")
    items, subscriptions = _url(world, "watch"), _url(world, "watch_subscriptions")
    items_export, subscriptions_export = _url(world, "watch_export"), _url(world, "watch_subscriptions_export")
    _bulk_items(world, network, kayes, 0, 30)
    _bulk_subscriptions(world, directorate, kayes, 0, 30)
    officer.get(items)  # warm the session up

    def counts():
        return (
            _count(officer, items),
            _count(officer, items, {"theme": "democracy", "orientation": "1", "territory": kayes.pk}),
            _count(officer, items_export, {"format": "csv"}),
            _count(officer, subscriptions),
            _count(officer, subscriptions, {"kind": "directorate", "state": "active", "q": "abonne"}),
            _count(officer, subscriptions_export, {"format": "csv"}),
        )

    small = counts()
    _bulk_items(world, network, kayes, 30, 600)
    _bulk_subscriptions(world, directorate, kayes, 30, 600)
    assert counts() == small
