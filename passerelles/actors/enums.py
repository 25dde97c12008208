from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    MIGRANT_ASSOCIATION = "migrant_association", _("Association de migrants")
    CULTURAL_ASSOCIATION = "cultural_association", _("Association culturelle")
    TWINNING_COMMITTEE = "twinning_committee", _("Comité de jumelage")
    SCHOOL = "school", _("Établissement scolaire")
    UNIVERSITY = "university", _("Université, enseignement supérieur")
    LEISURE_CENTRE = "leisure_centre", _("Centre de loisirs")
    NEIGHBOURHOOD_CENTRE = "neighbourhood_centre", _("Maison de quartier")
    LIBRARY = "library", _("Médiathèque, bibliothèque")
    YOUTH_CENTRE = "youth_centre", _("Maison des jeunes (MJC)")
    COMPANY = "company", _("Entreprise")
    CHAMBER = "chamber", _("Chambre consulaire")
    HEALTH = "health", _("Établissement de santé")
    INSERTION = "insertion", _("Structure d'insertion")
    PUBLIC_BODY = "public_body", _("Organisme public")
    COMMUNE = "commune", _("Commune")
    NETWORK = "network", _("Réseau, centre de ressources")
    WOMEN_GROUP = "women_group", _("Groupement féminin")
    OTHER = "other", _("Autre")


class Theme(models.TextChoices):
    """The six axes of the multipartite convention (CAECE, Evry, Bamako V, Dakar, Nouakchott)."""

    TRAINING_RESEARCH = "training_research", _("Formation et recherche")
    DEMOCRACY = "democracy", _("Démocratie participative et renforcement institutionnel")
    YOUTH_EDUCATION = "youth_education", _("Jeunesse et éducation")
    SANITATION_ENVIRONMENT = "sanitation_environment", _("Assainissement et environnement")
    LOCAL_ACTORS = "local_actors", _("Mobilisation des acteurs locaux et mise en réseau")
    LOCAL_DEVELOPMENT = "local_development", _("Développement local (économique, culturel et social)")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente de modération")
    APPROVED = "approved", _("Acceptée")
    REJECTED = "rejected", _("Refusée")


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("À modérer")
    APPROVED = "approved", _("Publié")
    REJECTED = "rejected", _("Refusé")


class Location(models.TextChoices):
    HOME = "home", _("Territoire de la collectivité")
    PARTNER = "partner", _("Territoire partenaire")
    ELSEWHERE = "elsewhere", _("Ailleurs")


class DataRequestKind(models.TextChoices):
    EXPORT = "export", _("Export des données personnelles")
    ERASURE = "erasure", _("Effacement des données personnelles")


class MeetingScope(models.TextChoices):
    """A census meeting is held with one directorate (action P5.1) or with one commune (action P5.2)."""

    DIRECTORATE = "directorate", _("Direction")
    COMMUNE = "commune", _("Commune")


class NetworkScope(models.TextChoices):
    INTERNATIONAL = "international", _("International")
    EUROPEAN = "european", _("Européen")
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Régional ou départemental")


class MembershipStatus(models.TextChoices):
    MEMBER = "member", _("Adhérente")
    PROSPECT = "prospect", _("Adhésion envisagée")
    FORMER = "former", _("Ancienne adhésion")
    NONE = "none", _("Non adhérente")


class SubscriberKind(models.TextChoices):
    DIRECTORATE = "directorate", _("Direction")
    ELECTED = "elected", _("Élu·e")
    OTHER = "other", _("Autre destinataire")
