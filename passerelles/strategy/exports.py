"""The action plan as a table, shared by the page's export and `manage.py export plan`."""

from django.utils.translation import gettext as _

PLAN_HEADER = [
    "code",
    "title",
    "priority",
    "actor_category",
    "orientations",
    "lead_directorate",
    "status",
    "start_date",
    "due_date",
]


def plan_rows(actions):
    """Rows of the plan; `actions` comes from selectors.action_list (orientations prefetched)."""
    for action in actions:
        yield [
            action.code,
            action.title,
            action.priority.code if action.priority else _("Transversale"),
            action.actor_category.label if action.actor_category else "",
            ",".join(str(n) for n in sorted(o.number for o in action.orientations.all())),
            action.lead_directorate.name if action.lead_directorate else "",
            action.get_status_display(),
            action.start_date.isoformat() if action.start_date else "",
            action.due_date.isoformat() if action.due_date else "",
        ]


def plan_table(*, organisation, version=None):
    """The whole plan of the current (or given) strategy version: (filename stem, header, rows, title)."""
    from passerelles.strategy import selectors

    document = selectors.resolve_document(organisation=organisation, version=version)
    if document is None:
        raise LookupError(_("Aucun document de référence pour cette organisation."))
    actions = selectors.action_list(document=document)
    return f"plan-actions-{organisation.slug}-v{document.version}", PLAN_HEADER, plan_rows(actions), _("Plan d'actions")
