from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    INTERCOMMUNALITY = "intercommunality", _("Intercommunalité")
    DEPARTMENT = "department", _("Département")
    REGION = "region", _("Région")
    OTHER = "other", _("Autre")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur·rice")
    OFFICER = "officer", _("Chargé·e de mission")
    CONTRIBUTOR = "contributor", _("Contributeur·rice (autre direction)")
    PARTNER = "partner", _("Collectivité partenaire")
    REVIEWER = "reviewer", _("Évaluateur·rice")
    VIEWER = "viewer", _("Lecteur·rice (élu·e, direction générale)")


class TerritoryKind(models.TextChoices):
    HOME = "home", _("Territoire de la collectivité")
    PARTNER = "partner", _("Territoire partenaire")
