"""The public one-click unsubscribe: GET never changes anything, POST (with or without a CSRF token) does."""

import pytest
from django.test import Client
from django.urls import reverse

from passerelles.actors.models import WatchSubscription
from passerelles.actors.tests.factories import WatchSubscriptionFactory


@pytest.fixture
def subscription(world):
    return WatchSubscriptionFactory(organisation=world.org, label="Vice-présidence à la coopération")


def _url(subscription):
    return reverse("watch_public:unsubscribe", args=[subscription.token])


def test_get_shows_the_label_and_changes_nothing(client, subscription):
    other = WatchSubscriptionFactory(organisation=subscription.organisation, label="Direction des sports")
    response = client.get(_url(subscription))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vice-présidence à la coopération" in html and "Se désabonner" in html
    assert 'method="post"' in html
    assert "Direction des sports" not in html and subscription.email not in html and other.email not in html
    assert response["X-Robots-Tag"] == "noindex"
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.unsubscribed_at is None


def test_post_unsubscribes_then_resubscribe_posts_back(subscription):
    client = Client(enforce_csrf_checks=True)
    page = client.get(_url(subscription))
    token = page.cookies["csrftoken"].value
    response = client.post(_url(subscription), {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "ne recevra plus" in response.content.decode() and "Se réabonner" in response.content.decode()
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.unsubscribed_at is not None

    response = client.post(_url(subscription), {"csrfmiddlewaretoken": token, "action": "resubscribe"})
    assert "recevra de nouveau" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.unsubscribed_at is None


def test_rfc8058_one_click_post_without_csrf_token(subscription):
    other = WatchSubscriptionFactory(organisation=subscription.organisation)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _url(subscription), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    other.refresh_from_db()
    assert not subscription.is_active
    assert other.is_active  # only the subscription of this token


def test_posting_twice_keeps_the_first_date(client, subscription):
    client.post(_url(subscription))
    first = WatchSubscription.objects.get(pk=subscription.pk).unsubscribed_at
    client.post(_url(subscription))
    assert WatchSubscription.objects.get(pk=subscription.pk).unsubscribed_at == first


@pytest.mark.parametrize("token", ["inconnu", "x" * 43, "<script>"])
def test_unknown_token_is_404(client, world, token):
    WatchSubscriptionFactory(organisation=world.org)
    assert client.get(f"/public/veille/desabonnement/{token}/").status_code == 404
    assert client.post(f"/public/veille/desabonnement/{token}/").status_code == 404
    assert WatchSubscription.objects.filter(is_active=True).count() == 1


def test_other_methods_are_refused(client, subscription):
    assert client.put(_url(subscription)).status_code == 405
    assert client.delete(_url(subscription)).status_code == 405


def test_hostile_label_is_escaped(client, world):
    subscription = WatchSubscriptionFactory(organisation=world.org, label="<script>alert(1)</script>")
    html = client.get(_url(subscription)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
