"""Email grantees about reports due within seven days or late; at most once every seven days per report."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from passerelles.calls.selectors.grants import reports_to_remind
from passerelles.calls.services.grants import report_remind


class Command(BaseCommand):
    help = "Relance les porteurs dont un rapport de subvention est attendu sous 7 jours ou en retard."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Affiche les relances sans rien envoyer.")

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        today = timezone.localdate(now)
        due = list(reports_to_remind(now=now))
        late = sum(1 for report in due if report.due_on < today)
        if dry_run:
            self.stdout.write(f"{len(due)} relance(s) à envoyer, dont {late} pour un rapport en retard (simulation).")
            return
        sent = sum(1 for report in due if report_remind(report=report, now=now))
        self.stdout.write(
            f"{sent} relance(s) envoyée(s), dont {late} pour un rapport en retard ; {len(due) - sent} ignorée(s)."
        )
