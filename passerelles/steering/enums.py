from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

# The franc CFA (XOF) has a fixed parity with the euro.
XOF_PER_EUR = Decimal("655.957")


class ProjectKind(models.TextChoices):
    INSTITUTIONAL = "institutional", _("Coopération institutionnelle")
    CITIZENSHIP_EDUCATION = "citizenship_education", _("Éducation à la citoyenneté mondiale")
    TERRITORY_ACTORS = "territory_actors", _("Appui aux acteurs du territoire")
    COMMUNICATION = "communication", _("Communication")
    TRANSVERSALITY = "transversality", _("Transversalité interne")
    OTHER = "other", _("Autre")


class ActivityStatus(models.TextChoices):
    """IATI ActivityStatus codelist."""

    PIPELINE = "1", _("Identification")
    IMPLEMENTATION = "2", _("En cours")
    FINALISATION = "3", _("Finalisation")
    CLOSED = "4", _("Clôturé")
    CANCELLED = "5", _("Annulé")
    SUSPENDED = "6", _("Suspendu")


class OrganisationRole(models.TextChoices):
    """IATI OrganisationRole codelist."""

    FUNDING = "1", _("Financeur")
    ACCOUNTABLE = "2", _("Responsable")
    EXTENDING = "3", _("Gestionnaire des fonds")
    IMPLEMENTING = "4", _("Opérateur")


class TransversalityStage(models.IntegerChoices):
    """The continuum of how an authority's services take part (Eneis study)."""

    PONCTUAL = 1, _("1 — Appel ponctuel à l'expertise interne pour des missions")
    DIRECTORS = 2, _("2 — Plusieurs directeurs mobilisés comme experts")
    AGENTS = 3, _("3 — Des agents impliqués au-delà des directeurs")
    CARRIED = 4, _("4 — Les directions portent elles-mêmes les projets")


class ResultKind(models.TextChoices):
    OUTPUT = "output", _("Réalisation")
    OUTCOME = "outcome", _("Résultat")
    IMPACT = "impact", _("Impact")


class IndicatorMeasure(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitatif")
    QUALITATIVE = "qualitative", _("Qualitatif")


class MeasuredOn(models.TextChoices):
    PARTNER = "partner", _("Territoire partenaire")
    HOME = "home", _("Territoire de la collectivité")


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumis")
    APPROVED = "approved", _("Approuvé")
    RETURNED = "returned", _("Renvoyé")


PERIOD_TRANSITIONS: dict[str, frozenset[str]] = {
    PeriodStatus.DRAFT: frozenset({PeriodStatus.SUBMITTED}),
    PeriodStatus.SUBMITTED: frozenset({PeriodStatus.APPROVED, PeriodStatus.RETURNED}),
    PeriodStatus.RETURNED: frozenset({PeriodStatus.SUBMITTED}),
    PeriodStatus.APPROVED: frozenset(),
}


class PlanItemStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisé")
    POSTPONED = "postponed", _("Reporté")
    DROPPED = "dropped", _("Abandonné")


UNFINISHED_PLAN_STATUSES = frozenset({PlanItemStatus.PLANNED, PlanItemStatus.IN_PROGRESS, PlanItemStatus.POSTPONED})


class FunderKind(models.TextChoices):
    STATE = "state", _("État (MAE / DAECT)")
    AGENCY = "agency", _("Agence de développement (AFD)")
    REGION = "region", _("Région")
    DEPARTMENT = "department", _("Département")
    WATER_AGENCY = "water_agency", _("Agence de l'eau")
    COMPANY = "company", _("Entreprise")
    FOUNDATION = "foundation", _("Fondation")
    OWN = "own", _("La collectivité elle-même")
    PARTNER_AUTHORITY = "partner_authority", _("Collectivité partenaire")
    OTHER = "other", _("Autre")


class BudgetLineStatus(models.TextChoices):
    REQUESTED = "requested", _("Demandé")
    GRANTED = "granted", _("Accordé")
    REFUSED = "refused", _("Refusé")


class TransactionKind(models.TextChoices):
    COMMITMENT = "commitment", _("Engagement")
    DISBURSEMENT = "disbursement", _("Décaissement")
    INCOMING = "incoming", _("Fonds reçus")


class Currency(models.TextChoices):
    EUR = "EUR", _("Euro (EUR)")
    XOF = "XOF", _("Franc CFA (XOF)")
    MRU = "MRU", _("Ouguiya (MRU)")


class Rating(models.TextChoices):
    MET = "met", _("Respecté")
    PARTLY = "partly", _("Partiellement")
    NOT_MET = "not_met", _("Non respecté")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Fait")


class EvaluationKind(models.TextChoices):
    EXTERNAL = "external", _("Externe")
    INTERNAL = "internal", _("Interne")


MISSIONS_PER_YEAR_TARGET = 3
