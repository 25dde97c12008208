from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Projet")
    ADOPTED = "adopted", _("Adopté")
    ARCHIVED = "archived", _("Archivé")


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Non engagée")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    DROPPED = "dropped", _("Abandonnée")


# The action workflow: which status may follow which. Anything else is refused.
ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionStatus.NOT_STARTED: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE, ActionStatus.DROPPED, ActionStatus.NOT_STARTED}),
    ActionStatus.DONE: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.DROPPED: frozenset({ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS}),
}
