"""The one door to tenant data: every query of a view goes through `for_org`."""

from typing import TypeVar

from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


class OrgQuerySet(models.QuerySet):
    def for_org(self, organisation):
        return self.filter(organisation=organisation)


OrgManager = models.Manager.from_queryset(OrgQuerySet)


class OrgOwned(models.Model):
    """Abstract base: the row belongs to one organisation, for ever."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+", db_index=True)

    objects = OrgManager()

    class Meta:
        abstract = True


def for_org(queryset_or_model, organisation) -> models.QuerySet:
    queryset = queryset_or_model._default_manager.all() if isinstance(queryset_or_model, type) else queryset_or_model
    if organisation is None:
        raise ValueError("for_org() needs an organisation")
    return queryset.filter(organisation=organisation)


def get_for_org_or_404(queryset_or_model, organisation, pk) -> models.Model:
    """404 for a missing row and for another organisation's row alike."""
    try:
        return for_org(queryset_or_model, organisation).get(pk=int(pk))
    except (ValueError, TypeError, OverflowError, models.ObjectDoesNotExist) as exc:
        raise Http404 from exc
