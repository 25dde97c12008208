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


def _collect_lookups(model, changes, wanted: dict) -> None:
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


def _load_lookups(wanted: dict) -> dict:
    """One query per related model, whatever the number of changes."""
    lookup = {}
    for target, pks in wanted.items():
        for obj in target._base_manager.filter(pk__in=pks):
            lookup[(target, obj.pk)] = obj
    return lookup


def _entry(model, record, changes, lookup, label: str) -> HistoryEntry:
    entry = HistoryEntry(at=record.history_date, user=record.history_user, kind=record.history_type, object_label=label)
    for change in changes:
        model_field = model._meta.get_field(change.field)
        entry.changes.append(
            FieldChange(
                label=str(model_field.verbose_name),
                old=_display(model_field, change.old, lookup),
                new=_display(model_field, change.new, lookup),
            )
        )
    return entry


def history_entries(instance, *, limit: int = 200) -> list[HistoryEntry]:
    """The changes of one object, newest first, with the values shown as users know them."""
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    model = type(instance)
    diffs = []
    wanted: dict[type, set] = {}
    for newer, older in zip(records, records[1:] + [None], strict=True):
        changes = newer.diff_against(older).changes if older is not None else []
        diffs.append((newer, changes))
        _collect_lookups(model, changes, wanted)
    lookup = _load_lookups(wanted)
    entries = []
    for record, changes in diffs:
        if record.history_type == "~" and not changes:
            continue  # a save that changed nothing
        entries.append(_entry(model, record, changes, lookup, str(instance)))
    return entries


# -- the organisation's journal: recent changes across every audited model ---------------------------


def audited_models() -> dict[str, type[models.Model]]:
    """Audited models that belong to an organisation, by a short key used in URLs."""
    from django.apps import apps

    found = {}
    for model in apps.get_models():
        history = getattr(model, "history", None)
        if history is None or not hasattr(history, "model"):
            continue
        if model._meta.label == "core.Organisation" or any(f.name == "organisation" for f in model._meta.fields):
            found[model._meta.model_name] = model
    return found


def _cheap_label(record) -> str:
    """A label read from the record's own columns: never a query per row."""
    for name in ("code", "name", "title", "email"):
        value = getattr(record, name, None)
        if value:
            return str(value)[:120]
    return f"#{record.id}"


@dataclass
class JournalEntry:
    model_key: str
    model_label: str
    object_id: int
    entry: HistoryEntry


def hidden_from(model, user, organisation):
    """The records of `model` that `user` may not read in the history, as a Q on the model (or None).

    A model says so with a `history_hidden_from(user, organisation)` static method (the reviews and scores of an
    application whose scores `user` may not see, for instance). Without a user (a command), nothing is hidden.
    """
    hook = getattr(model, "history_hidden_from", None)
    return hook(user, organisation) if hook is not None and user is not None else None


def journal(*, organisation, limit: int = 50, model_key: str | None = None, user=None) -> list[JournalEntry]:
    """The latest changes in the organisation, newest first; a constant number of queries per audited model.

    With `user`, the records hidden from him (`hidden_from`) are left out."""
    models_by_key = audited_models()
    if model_key:
        models_by_key = {model_key: models_by_key[model_key]} if model_key in models_by_key else {}
    candidates = []
    for key, model in models_by_key.items():
        history = model.history.model
        scope = (
            {"id": organisation.pk}
            if model._meta.label == "core.Organisation"
            else {"organisation_id": organisation.pk}
        )
        records = history.objects.filter(**scope)
        hidden = hidden_from(model, user, organisation)
        if hidden is not None:
            records = records.exclude(hidden)
        for record in records.select_related("history_user").order_by("-history_date")[:limit]:
            candidates.append((record.history_date, key, model, record))
    candidates.sort(key=lambda c: c[0], reverse=True)
    candidates = candidates[:limit]
    # The previous version of each record, fetched in one query per model.
    previous: dict[tuple, object] = {}
    by_model: dict[str, list] = {}
    for _date, key, _model, record in candidates:
        by_model.setdefault(key, []).append(record)
    for key, records in by_model.items():
        history = models_by_key[key].history.model
        ids = {r.id for r in records}
        rows = list(
            history.objects.filter(id__in=ids, history_date__lte=max(r.history_date for r in records)).order_by(
                "id", "history_date", "history_id"
            )
        )
        last_seen: dict[int, object] = {}
        for row in rows:
            previous[(key, row.history_id)] = last_seen.get(row.id)
            last_seen[row.id] = row
    entries = []
    wanted: dict[type, set] = {}
    diffs = []
    for _date, key, model, record in candidates:
        older = previous.get((key, record.history_id))
        m2m = [f.name for f in model._meta.many_to_many]
        changes = record.diff_against(older, excluded_fields=m2m).changes if older is not None else []
        _collect_lookups(model, changes, wanted)
        diffs.append((key, model, record, changes))
    lookup = _load_lookups(wanted)
    for key, model, record, changes in diffs:
        entry = _entry(model, record, changes, lookup, _cheap_label(record))
        entries.append(JournalEntry(key, str(model._meta.verbose_name), record.id, entry))
    return entries
