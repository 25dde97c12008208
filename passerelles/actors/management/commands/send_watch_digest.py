"""Weekly job: send the watch digest to every active subscription (cron or a systemd timer, once a week)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from passerelles.actors.services.watch import send_weekly_digests
from passerelles.core.models import Organisation


class Command(BaseCommand):
    help = "Envoie la lettre hebdomadaire de veille des réseaux aux abonnements actifs."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", metavar="SLUG", help="Une seule organisation (identifiant d'URL).")
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien envoyer ni enregistrer.")

    def handle(self, *args, organisation=None, dry_run=False, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(_("Organisation inconnue : %(slug)s") % {"slug": organisation})
        summary = send_weekly_digests(organisation=org, dry_run=dry_run)
        counts = {
            "examined": summary.examined,
            "sent": summary.sent,
            "items": summary.items,
            "empty": summary.skipped_empty,
            "already": summary.already_sent,
            "failed": summary.failed,
        }
        if dry_run:
            line = _(
                "Simulation : %(examined)s abonnement(s) examiné(s), %(sent)s courriel(s) à envoyer, "
                "%(items)s information(s) incluse(s) ; %(empty)s sans nouveauté, %(already)s déjà servi(s) "
                "cette semaine."
            )
        else:
            line = _(
                "%(examined)s abonnement(s) examiné(s), %(sent)s courriel(s) envoyé(s), "
                "%(items)s information(s) incluse(s) ; %(empty)s sans nouveauté, %(already)s déjà servi(s) "
                "cette semaine, %(failed)s échec(s)."
            )
        self.stdout.write(line % counts)
        if summary.failed:
            raise CommandError(_("%(failed)s envoi(s) en échec : voir le journal.") % counts)
