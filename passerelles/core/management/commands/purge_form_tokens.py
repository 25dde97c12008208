"""Daily job: forget the creation forms' tokens older than a week (see `core.idempotency`)."""

from django.core.management.base import BaseCommand

from passerelles.core.idempotency import TOKEN_DAYS, purge_expired


class Command(BaseCommand):
    help = "Supprime les jetons de formulaire de plus de N jours (7 par défaut)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=TOKEN_DAYS)

    def handle(self, *args, days, **options):
        deleted = purge_expired(days=days)
        self.stdout.write(f"{deleted} jeton(s) supprimé(s).")
