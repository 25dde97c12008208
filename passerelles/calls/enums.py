from django.db import models
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    CLOSED = "closed", _("Clos")


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Texte court")
    LONG_TEXT = "long_text", _("Texte long")
    NUMBER = "number", _("Nombre")
    SINGLE_CHOICE = "single_choice", _("Choix unique")
    MULTIPLE_CHOICE = "multiple_choice", _("Choix multiples")
    DATE = "date", _("Date")
    FILE = "file", _("Fichier")


class SupportModality(models.TextChoices):
    COFINANCING = "cofinancing", _("Cofinancement")
    TECHNICAL_SUPPORT = "technical_support", _("Appui technique")
    PREMISES = "premises", _("Mise à disposition de locaux")
    EQUIPMENT = "equipment", _("Mise à disposition de matériel")


class ApplicationStatus(models.TextChoices):
    """The states of Démarches Simplifiées, plus "returned for completion" and withdrawal."""

    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé (en construction)")
    IN_INSTRUCTION = "in_instruction", _("En instruction")
    RETURNED = "returned", _("À compléter")
    ACCEPTED = "accepted", _("Accepté")
    REFUSED = "refused", _("Refusé")
    WITHOUT_FOLLOW_UP = "without_follow_up", _("Classé sans suite")
    WITHDRAWN = "withdrawn", _("Retiré par le porteur")


class BudgetSide(models.TextChoices):
    EXPENSE = "expense", _("Dépense")
    RESOURCE = "resource", _("Ressource")


class ResourceStatus(models.TextChoices):
    ACQUIRED = "acquired", _("Acquis")
    REQUESTED = "requested", _("Demandé")


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Rapport intermédiaire")
    FINAL = "final", _("Rapport final")


class ReportStatus(models.TextChoices):
    DUE = "due", _("Attendu")
    SUBMITTED = "submitted", _("Remis")
    ACCEPTED = "accepted", _("Accepté")
    RETURNED = "returned", _("À reprendre")
