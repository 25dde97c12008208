"""core.registry: the slots through which the domain apps give core what it may not import."""

from passerelles.core import registry


def test_domain_apps_fill_their_slots():
    assert "plan" in registry.command_exports()
    assert "actors" in registry._homes_without_membership
    assert registry._review_rows is not None


def test_an_empty_slot_answers_nothing(monkeypatch):
    monkeypatch.setattr(registry, "_homes_without_membership", {})
    monkeypatch.setattr(registry, "_review_rows", None)
    assert registry.home_without_membership(object()) is None
    assert tuple(registry.review_rows(user=object(), organisation=object())) == ()


def test_the_first_app_with_a_page_wins(monkeypatch):
    monkeypatch.setattr(registry, "_homes_without_membership", {})
    registry.register_home_without_membership("b", lambda user: "/b/")
    registry.register_home_without_membership("a", lambda user: None)
    registry.register_home_without_membership("c", lambda user: "/c/")
    assert registry.home_without_membership(object()) == "/b/"
