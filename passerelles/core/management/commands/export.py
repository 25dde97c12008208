import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from passerelles.core import registry
from passerelles.core.exports import write_csv, write_xlsx
from passerelles.core.models import Organisation

# What can be exported (name -> function(organisation=…) returning (stem, header, rows, title)) is what the domain
# apps register in core.registry: `plan` comes from the strategy app.


class Command(BaseCommand):
    help = "Exporte une liste d'une organisation en CSV ou XLSX, ex. : export plan --org caece --format csv"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(registry.command_exports()))
        parser.add_argument("--org", required=True, help="identifiant (slug) de l'organisation")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--separator", choices=["comma", "semicolon"], default="comma")
        parser.add_argument("--output", help="fichier à écrire (par défaut : la sortie standard, CSV seulement)")

    def handle(self, *args, what, org, format, separator, output, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(_("Organisation inconnue : %(slug)s") % {"slug": org})
        try:
            stem, header, rows, title = registry.command_exports()[what](organisation=organisation)
        except LookupError as error:
            raise CommandError(str(error)) from error
        delimiter = ";" if separator == "semicolon" else ","
        if format == "xlsx":
            if not output:
                raise CommandError(_("Le format XLSX demande --output FICHIER."))
            with open(output, "wb") as stream:
                write_xlsx(stream, header, rows, title=title)
        elif output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                write_csv(stream, header, rows, delimiter=delimiter)
        else:
            write_csv(sys.stdout, header, rows, delimiter=delimiter)
            return
        self.stderr.write(_("Export écrit dans %(path)s") % {"path": output})
