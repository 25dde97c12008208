"""Lift a login lockout from the command line (the platform operator's tool: there is no Django admin)."""

from django.core.management.base import BaseCommand, CommandError

from passerelles.core import services, throttle
from passerelles.core.models import Membership


class Command(BaseCommand):
    help = "Débloque la connexion d'un compte (--email) ou d'une adresse IP (--ip) après trop d'échecs."

    def add_arguments(self, parser):
        parser.add_argument("--email", help="adresse électronique du compte")
        parser.add_argument("--ip", help="adresse IP du poste ou du réseau bloqué")

    def handle(self, *args, email=None, ip=None, **options):
        if not email and not ip:
            raise CommandError("Indiquez --email ou --ip.")
        if email:
            memberships = list(Membership.objects.filter(user__email__iexact=email.strip()).select_related("user"))
            for membership in memberships:  # each organisation's journal records the unlock
                services.account_unlock(membership=membership, by=None)
            cleared = throttle.clear_account(username=email)
            self.stdout.write(f"{email}: débloqué ({len(memberships)} organisation(s), {cleared} échec(s) effacé(s)).")
        if ip:
            cleared = throttle.clear_address(ip=ip)
            self.stdout.write(f"{ip}: débloquée ({cleared} échec(s) effacé(s)).")
