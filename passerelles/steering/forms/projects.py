from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from passerelles.core import uploads
from passerelles.core.forms import DateInput, limit_length, scoped
from passerelles.core.models import Directorate, Territory
from passerelles.steering.enums import ActivityStatus, PlanItemStatus, ProjectKind
from passerelles.steering.models import (
    AnnualPlan,
    AnnualPlanItem,
    ParticipatingOrganisation,
    Programme,
    Project,
    ProjectDirectorate,
)
from passerelles.steering.selectors.projects import adopted_document, dac_sectors, partner_territories
from passerelles.strategy.models import Action, Orientation, Priority, StrategyDocument

TEXT_MAX = 5_000
MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
YEAR_MIN, YEAR_MAX = 1950, 2100

# Identifiers (project codes, IATI references) hold no markup: letters, digits and a few separators.
no_markup = RegexValidator(r"^[\w .:/()'’-]+$", _("Caractères autorisés : lettres, chiffres, espace et . : / ( ) ' -"))


def _year_field(label):
    return forms.IntegerField(
        label=label,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={
            "min_value": _("Indiquez une année entre 1950 et 2100."),
            "max_value": _("Indiquez une année entre 1950 et 2100."),
            "invalid": _("Indiquez une année, ex. 2014."),
        },
    )


def _dates_in_order(form, start: str, end: str, message) -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


# -- programmes -----------------------------------------------------------------------------------


class ProgrammeFilterForm(forms.Form):
    q = forms.CharField(label=_("Texte"), max_length=200, required=False, strip=True)
    year = forms.IntegerField(label=_("Année couverte"), min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"text": data.get("q") or "", "year": data.get("year")}


class ProgrammeForm(forms.ModelForm):
    start_year = _year_field(_("Année de début"))
    end_year = _year_field(_("Année de fin"))

    class Meta:
        model = Programme
        fields = ["title", "start_year", "end_year", "description", "strategy"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        limit_length(self.fields["description"], TEXT_MAX)
        self.fields["strategy"].queryset = scoped(StrategyDocument, organisation)
        self.fields["strategy"].empty_label = _("Aucun")

    def clean_start_year(self):
        year = self.cleaned_data["start_year"]
        clash = Programme.objects.for_org(self.organisation).filter(start_year=year)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Un programme commence déjà cette année-là."))
        return year

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("L'année de fin doit être égale ou postérieure à l'année de début."))
        return cleaned

    def _post_clean(self):
        # Model validation (organisation-scoped constraints) runs in the service, with the organisation set.
        pass


# -- annual plans ---------------------------------------------------------------------------------


class AnnualPlanFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("Tous")
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = scoped(Programme, organisation)

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"programme": data.get("programme")}


class AnnualPlanForm(forms.Form):
    year = _year_field(_("Année"))
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("Aucun")
    )
    notes = forms.CharField(label=_("Observations"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["programme"].queryset = scoped(Programme, organisation)
        limit_length(self.fields["notes"], TEXT_MAX)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if AnnualPlan.objects.for_org(self.organisation).filter(year=year).exists():
            raise forms.ValidationError(_("Le plan de cette année existe déjà."))
        return year

    def clean(self):
        cleaned = super().clean()
        year, programme = cleaned.get("year"), cleaned.get("programme")
        if year and programme and not programme.start_year <= year <= programme.end_year:
            self.add_error("programme", _("Ce programme ne couvre pas cette année."))
        return cleaned


ITEM_KINDS = [("", _("Tous")), ("action", _("Actions")), ("project", _("Projets"))]


class PlanItemFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=ITEM_KINDS, required=False)
    status = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous"))] + list(PlanItemStatus.choices), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Direction responsable"), queryset=Directorate.objects.none(), required=False, empty_label=_("Toutes")
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = scoped(Directorate, organisation)

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"kind": data.get("kind") or "", "status": data.get("status") or None, "owner": data.get("owner")}


class PlanItemForm(forms.ModelForm):
    """An item of the plan: an action of the adopted strategy or a project (one of them)."""

    class Meta:
        model = AnnualPlanItem
        fields = ["action", "project", "owner", "planned_start", "planned_end", "budget", "status"]
        widgets = {"planned_start": DateInput, "planned_end": DateInput}

    def __init__(self, *args, plan: AnnualPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        org = plan.organisation
        document = adopted_document(organisation=org)
        self.fields["action"].queryset = (
            Action.objects.filter(organisation=org, document=document).order_by("position", "code")
            if document
            else Action.objects.none()
        )
        self.fields["action"].empty_label = _("— (un projet)")
        self.fields["action"].help_text = _("Une action du document de référence adopté, ou bien un projet.")
        self.fields["project"].queryset = scoped(Project, org).order_by("code")
        self.fields["project"].empty_label = _("— (une action)")
        self.fields["owner"].queryset = scoped(Directorate, org)
        if self.instance.pk:
            # What the item is stays; only its owner, dates, budget and status change.
            del self.fields["action"], self.fields["project"]

    def clean_budget(self):
        budget = self.cleaned_data.get("budget")
        if budget is not None and budget < 0:
            raise forms.ValidationError(_("Le budget ne peut pas être négatif."))
        return budget

    def clean(self):
        cleaned = super().clean()
        _dates_in_order(self, "planned_start", "planned_end", _("La fin prévue ne peut pas précéder le début prévu."))
        if self.instance.pk:
            return cleaned
        action, project = cleaned.get("action"), cleaned.get("project")
        if "action" in self.errors or "project" in self.errors:
            return cleaned
        if action is None and project is None:
            self.add_error("action", _("Choisissez une action ou un projet."))
        elif action is not None and project is not None:
            self.add_error("project", _("Choisissez une action ou un projet, pas les deux."))
        elif action is not None and self.plan.items.filter(action=action).exists():
            self.add_error("action", _("Cette action figure déjà au plan de cette année."))
        elif project is not None and self.plan.items.filter(project=project).exists():
            self.add_error("project", _("Ce projet figure déjà au plan de cette année."))
        return cleaned

    def _post_clean(self):
        # The service builds the row (organisation, plan) and runs full_clean() on it.
        pass

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


# -- projects -------------------------------------------------------------------------------------


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Texte"), max_length=200, required=False, strip=True)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("Tous"))] + list(ProjectKind.choices), required=False)
    status = forms.ChoiceField(
        label=_("Statut"), choices=[("", _("Tous"))] + list(ActivityStatus.choices), required=False
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("Tous")
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire partenaire"), queryset=Territory.objects.none(), required=False, empty_label=_("Tous")
    )
    orientation = forms.ModelChoiceField(
        label=_("Orientation"), queryset=Orientation.objects.none(), required=False, empty_label=_("Toutes")
    )
    without_home_indicator = forms.BooleanField(
        label=_("Sans indicateur sur le territoire de la collectivité"), required=False
    )

    def __init__(self, *args, organisation, portfolio: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = partner_territories(organisation=organisation)
        document = adopted_document(organisation=organisation)
        self.fields["orientation"].queryset = (
            Orientation.objects.filter(organisation=organisation, document=document).order_by("number")
            if document
            else Orientation.objects.none()
        )
        self.fields["orientation"].label_from_instance = lambda o: f"{o.number}. {o.title}"
        if portfolio:
            self.fields["programme"].queryset = scoped(Programme, organisation)
        else:
            # A partner authority sees its own projects, not the whole portfolio's programmes.
            del self.fields["programme"]

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "text": data.get("q") or "",
            "kind": data.get("kind") or None,
            "status": data.get("status") or None,
            "programme": data.get("programme"),
            "territory": data.get("territory"),
            "orientation": data.get("orientation"),
            "without_home_indicator": bool(data.get("without_home_indicator")),
        }


class ProjectForm(forms.ModelForm):
    M2M = ("partner_territories", "orientations", "priorities", "actions")

    class Meta:
        model = Project
        fields = [
            "code",
            "title",
            "description",
            "kind",
            "status",
            "programme",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "period_label",
            "partner_territories",
            "orientations",
            "priorities",
            "actions",
            "components",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "components": forms.Textarea(attrs={"rows": 4}),
            "planned_start": DateInput,
            "planned_end": DateInput,
            "actual_start": DateInput,
            "actual_end": DateInput,
            "partner_territories": forms.CheckboxSelectMultiple,
            "orientations": forms.CheckboxSelectMultiple,
            "priorities": forms.CheckboxSelectMultiple,
            "actions": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["code"].validators.append(no_markup)
        for name in ("description", "components"):
            limit_length(self.fields[name], TEXT_MAX)
        self.fields["programme"].queryset = scoped(Programme, organisation)
        self.fields["programme"].empty_label = _("Aucun")
        self.fields["partner_territories"].queryset = partner_territories(organisation=organisation)
        document = adopted_document(organisation=organisation)
        for name, model, order in (
            ("orientations", Orientation, ("number",)),
            ("priorities", Priority, ("position", "code")),
            ("actions", Action, ("position", "code")),
        ):
            self.fields[name].queryset = (
                model.objects.filter(organisation=organisation, document=document).order_by(*order)
                if document
                else model.objects.none()
            )
            self.fields[name].help_text = _("Du document de référence adopté.")
        self.fields["orientations"].label_from_instance = lambda o: f"{o.number}. {o.title}"
        if self.instance.pk and document:
            # Show only the links to the adopted strategy; links to older versions are kept by the service.
            for name in ("orientations", "priorities", "actions"):
                self.initial[name] = [r.pk for r in getattr(self.instance, name).all() if r.document_id == document.pk]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        clash = Project.objects.for_org(self.organisation).filter(code__iexact=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Un projet porte déjà ce code."))
        return code

    def clean(self):
        cleaned = super().clean()
        message = _("La date de fin ne peut pas précéder la date de début.")
        _dates_in_order(self, "planned_start", "planned_end", message)
        _dates_in_order(self, "actual_start", "actual_end", message)
        return cleaned

    def _post_clean(self):
        # The service sets the organisation and runs full_clean() on the row.
        pass

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = ParticipatingOrganisation
        fields = ["name", "role", "reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].validators.append(no_markup)
        self.fields["reference"].help_text = _("Identifiant d'organisation IATI, ex. FR-RCS-123456789.")

    def _post_clean(self):
        pass


class ProjectDirectorateForm(forms.ModelForm):
    year = forms.IntegerField(
        label=_("Année"), min_value=YEAR_MIN, max_value=YEAR_MAX, required=False, help_text=_("Vide : tout le projet.")
    )

    class Meta:
        model = ProjectDirectorate
        fields = ["directorate", "stage", "person_days", "day_rate", "year"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = scoped(Directorate, organisation)
        for name in ("person_days", "day_rate"):
            self.fields[name].validators.append(
                MinValueValidator(Decimal("0"), _("La valeur ne peut pas être négative."))
            )

    def _post_clean(self):
        pass


class SectorLineForm(forms.Form):
    code = forms.CharField(
        label=_("Code CAD"),
        max_length=5,
        required=False,
        validators=[RegexValidator(r"^\d{5}$", _("Un code secteur CAD a cinq chiffres, ex. 15112."))],
    )
    percentage = forms.DecimalField(
        label=_("Part (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        required=False,
    )

    def clean_code(self):
        code = self.cleaned_data.get("code", "").strip()
        if code and code not in dac_sectors():
            raise forms.ValidationError(_("Code secteur CAD inconnu."))
        return code

    def clean(self):
        cleaned = super().clean()
        code, pct = cleaned.get("code"), cleaned.get("percentage")
        if code and pct is None and "percentage" not in self.errors:
            self.add_error("percentage", _("Indiquez la part de ce secteur."))
        if pct is not None and not code and "code" not in self.errors:
            self.add_error("code", _("Indiquez le code du secteur."))
        return cleaned


class BaseSectorFormSet(forms.BaseFormSet):
    def lines(self) -> list[tuple[str, Decimal]]:
        result = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            code, pct = form.cleaned_data.get("code"), form.cleaned_data.get("percentage")
            if code and pct is not None:
                result.append((code, pct))
        return result

    def clean(self):
        if any(self.errors):
            return
        from passerelles.steering.services.projects import validate_sector_lines

        try:
            validate_sector_lines(self.lines())
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from error


SectorFormSet = forms.formset_factory(
    SectorLineForm, formset=BaseSectorFormSet, extra=3, can_delete=True, max_num=30, validate_max=True
)

PROJECT_DOCUMENT_TYPES = (uploads.PDF, uploads.PNG, uploads.JPEG, uploads.ODT, uploads.DOCX, uploads.XLSX)


class ProjectDocumentForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=255)
    file = forms.FileField(
        label=_("Fichier"),
        required=False,
        help_text=_("PDF, PNG, JPEG, ODT, DOCX ou XLSX ; 10 Mo au plus."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(uploads.accepted_extensions(PROJECT_DOCUMENT_TYPES))}
        ),
    )
    url = forms.URLField(label=_("Ou un lien"), max_length=200, required=False, assume_scheme="https")

    def clean_file(self):
        """Size, name, real type by content and archive bombs: the one check of `core.uploads`."""
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        _content_type, upload.name = uploads.validate_upload(
            upload, max_bytes=MAX_DOCUMENT_SIZE, accepted=PROJECT_DOCUMENT_TYPES
        )
        return upload

    def clean(self):
        cleaned = super().clean()
        if "file" in self.errors or "url" in self.errors:
            return cleaned
        has_file, has_url = bool(cleaned.get("file")), bool(cleaned.get("url"))
        if not has_file and not has_url:
            self.add_error("file", _("Joignez un fichier ou indiquez un lien."))
        elif has_file and has_url:
            self.add_error("url", _("Joignez un fichier ou indiquez un lien, pas les deux."))
        return cleaned
