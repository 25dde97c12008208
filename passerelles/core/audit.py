"""Reading the audit trail (django-simple-history) as "who changed which field from what to what"."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext as _


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: datetime
    user: object
    kind: str  # "+" created, "~" changed, "-" deleted
    object_label: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return {"+": _("Création"), "~": _("Modification"), "-": _("Suppression")}[self.kind]


_EMPTY = "—"


def _display(model_field, value, lookup: dict) -> str:
    if value in (None, ""):
        return _EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return str(lookup.get((model_field.related_model, value), value))
    if isinstance(model_field, models.ManyToManyField):
        target = model_field.related_model
        name = model_field.m2m_reverse_field_name()
        labels = sorted(str(lookup.get((target, row[name]), row[name])) for row in value)
        return ", ".join(labels) or _EMPTY
    if isinstance(model_field, models.BooleanField):
        return _("oui") if value else _("non")
    return str(value)


def history_entries(instance, *, limit: int = 200) -> list[HistoryEntry]:
    """The changes of one object, newest first, with the values shown as users know them."""
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    model = type(instance)
    diffs = []
    wanted: dict[type, set] = {}
    for newer, older in zip(records, records[1:] + [None], strict=True):
        changes = newer.diff_against(older).changes if older is not None else []
        diffs.append((newer, changes))
        for change in changes:
            model_field = model._meta.get_field(change.field)
            if isinstance(model_field, models.ForeignKey):
                wanted.setdefault(model_field.related_model, set()).update(
                    v for v in (change.old, change.new) if v is not None
                )
            elif isinstance(model_field, models.ManyToManyField):
                name = model_field.m2m_reverse_field_name()
                wanted.setdefault(model_field.related_model, set()).update(
                    row[name] for rows in (change.old or [], change.new or []) for row in rows
                )
    lookup = {}
    for target, pks in wanted.items():
        for obj in target._base_manager.filter(pk__in=pks):
            lookup[(target, obj.pk)] = obj
    entries = []
    for record, changes in diffs:
        entry = HistoryEntry(
            at=record.history_date,
            user=record.history_user,
            kind=record.history_type,
            object_label=str(record.instance) if record.history_type != "-" else "",
        )
        for change in changes:
            model_field = model._meta.get_field(change.field)
            entry.changes.append(
                FieldChange(
                    label=str(model_field.verbose_name),
                    old=_display(model_field, change.old, lookup),
                    new=_display(model_field, change.new, lookup),
                )
            )
        if entry.kind == "~" and not entry.changes:
            continue  # a save that changed nothing
        entries.append(entry)
    return entries
