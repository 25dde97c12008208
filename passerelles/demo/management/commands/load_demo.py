"""`python manage.py load_demo [--reset]`: load the demo organisations (idempotent)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passerelles.demo.loader import load_demo

# Summary rows: key of the loader's counts, French label.
SUMMARY = [
    ("territories", gettext_lazy("territoires")),
    ("directorates", gettext_lazy("directions")),
    ("documents", gettext_lazy("documents de référence")),
    ("criteria", gettext_lazy("principes directeurs")),
    ("ambitions", gettext_lazy("ambitions")),
    ("orientations", gettext_lazy("orientations")),
    ("priorities", gettext_lazy("priorités")),
    ("actor_categories", gettext_lazy("catégories d'acteurs")),
    ("actions", gettext_lazy("actions")),
    ("progress_notes", gettext_lazy("notes d'avancement")),
    ("memberships", gettext_lazy("membres")),
]


class Command(BaseCommand):
    help = "Charge les données de démonstration (CAECE et une organisation d'isolation). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Supprime d'abord les organisations et les comptes de démonstration, puis les recrée.",
        )

    def handle(self, *args, reset: bool = False, **options):
        counts = load_demo(reset=reset, stdout=self.stdout if options["verbosity"] > 1 else None)
        self.stdout.write(self.style.SUCCESS(_("Données de démonstration chargées.")))
        for slug, org_counts in counts["per_organisation"].items():
            details = ", ".join(f"{label} : {org_counts[key]}" for key, label in SUMMARY)
            self.stdout.write(f"  {slug} — {details}")
        self.stdout.write(
            _(
                "%(organisations)d organisation(s), %(accounts)d compte(s) ; %(created)d ligne(s) créée(s), "
                "%(updated)d mise(s) à jour."
            )
            % counts
        )
