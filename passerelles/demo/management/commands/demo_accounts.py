"""`python manage.py demo_accounts`: the demo logins, as a table (printed by `make run` before serving)."""

from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils.translation import gettext as _

from passerelles.core.enums import Role
from passerelles.core.models import User
from passerelles.demo.loader import ACTOR_ACCOUNT, demo_accounts

DEFAULT_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration (adresse, rôle, mot de passe) et l'adresse du site."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=DEFAULT_URL, help="Adresse du site affichée.")

    def handle(self, *args, url: str = DEFAULT_URL, **options):
        accounts = demo_accounts()
        header = [_("Organisation"), _("Rôle"), _("Adresse électronique"), _("Mot de passe")]
        rows = [
            [account["organisation"], self._role_label(account["role"]), account["email"], account["password"]]
            for account in accounts
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        rule = "+" + "+".join("-" * (width + 2) for width in widths) + "+"

        def line(cells):
            padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            return "| " + " | ".join(padded) + " |"

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Passerelles — comptes de démonstration")))
        self.stdout.write(rule)
        self.stdout.write(line(header))
        self.stdout.write(rule)
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write(rule)
        self.stdout.write(_("Adresse : %(url)s") % {"url": url})
        self.stdout.write(_("Mot de passe de démonstration uniquement : ne pas réutiliser ailleurs."))
        missing = self._missing([account["email"] for account in accounts])
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    _("Comptes absents de la base : %(emails)s. Lancez « python manage.py load_demo ».")
                    % {"emails": ", ".join(missing)}
                )
            )
        self.stdout.write("")

    @staticmethod
    def _role_label(role: str) -> str:
        if role == ACTOR_ACCOUNT:
            return str(_("Compte d'acteur (association)"))
        return str(Role(role).label)

    @staticmethod
    def _missing(emails: list[str]) -> list[str]:
        try:
            present = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        except DatabaseError:  # no database yet: the table is still worth printing
            return []
        return [email for email in emails if email not in present]
