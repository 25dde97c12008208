from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def actor_space_home(user) -> str | None:
    """`/` of an account without membership that holds directory entries: its actor space (core.registry)."""
    from passerelles.actors.selectors.accounts import has_own_actors

    return reverse("actor_space:home") if has_own_actors(user=user) else None


class ActorsConfig(AppConfig):
    name = "passerelles.actors"
    label = "actors"
    verbose_name = _("Acteurs du territoire")

    def ready(self):
        from passerelles.core import registry

        registry.register_home_without_membership(self.label, actor_space_home)
