from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from passerelles.actors.services import imports as import_services
from passerelles.actors.services.imports import CREATE, REJECT, UPDATE


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier des acteurs (CSV ou XLSX)"),
        help_text=_("2 Mo et 5 000 lignes au plus. CSV en UTF-8, séparateur « , » ou « ; »."),
        error_messages={"required": _("Choisissez un fichier à importer.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.rows = import_services.parse_file(uploaded)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return uploaded


class ReportFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Résultat"),
        required=False,
        choices=[
            ("", _("Toutes les lignes")),
            (CREATE, _("Création")),
            (UPDATE, _("Mise à jour")),
            (REJECT, _("Rejet")),
        ],
    )

    def outcome_value(self) -> str:
        return self.cleaned_data.get("outcome", "") if self.is_valid() else ""
