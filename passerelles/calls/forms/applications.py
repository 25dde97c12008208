"""Forms of the applicant side. Nothing here is required at draft time: required answers are enforced at submission."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from passerelles.calls.enums import QuestionKind, ResourceStatus, SupportModality
from passerelles.core.uploads import accepted_extensions

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def question_field_name(question) -> str:
    return f"q_{question.pk}"


def _choices(question) -> list[tuple[str, str]]:
    result = []
    for choice in question.choices or []:
        if isinstance(choice, dict):
            value = str(choice.get("value", choice.get("label", "")))
            result.append((value, str(choice.get("label", value))))
        else:
            result.append((str(choice), str(choice)))
    return result


def question_field(question) -> forms.Field | None:
    common = {"label": question.label, "required": False, "help_text": question.help_text}
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return forms.CharField(max_length=500, **common)
    if kind == QuestionKind.LONG_TEXT:
        return forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}), **common)
    if kind == QuestionKind.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if kind == QuestionKind.SINGLE_CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *_choices(question)], **common)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(choices=_choices(question), widget=forms.CheckboxSelectMultiple, **common)
    if kind == QuestionKind.DATE:
        return forms.DateField(**DATE_WIDGET, **common)
    return None  # file questions are answered on the attachments page


class StartForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Structure qui dépose"), queryset=None, empty_label=None)

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Intitulé du projet"), max_length=255, required=False)
    summary = forms.CharField(
        label=_("Résumé"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    modality = forms.ChoiceField(label=_("Soutien demandé"), choices=SupportModality.choices)
    amount_requested = forms.DecimalField(
        label=_("Montant demandé (EUR)"), required=False, **AMOUNT, help_text=_("0 si vous ne demandez pas d'argent.")
    )
    starts_on = forms.DateField(label=_("Début du projet"), required=False, **DATE_WIDGET)
    ends_on = forms.DateField(label=_("Fin du projet"), required=False, **DATE_WIDGET)

    FIELDS = ("title", "summary", "modality", "amount_requested", "starts_on", "ends_on")

    def __init__(self, *args, application, questions, answers: dict, **kwargs):
        initial = {name: getattr(application, name) for name in self.FIELDS}
        initial.update(
            {question_field_name(q): answers[q.pk] for q in questions if q.pk in answers and answers[q.pk] is not None}
        )
        super().__init__(*args, initial=initial, **kwargs)
        offered = application.call.modalities
        if offered:
            self.fields["modality"].choices = [(v, label) for v, label in SupportModality.choices if v in offered]
        self.questions = []
        for question in questions:
            field = question_field(question)
            if field is None:
                self.questions.append((question, None))
                continue
            if question.show_if_question_id:
                hint = gettext("(seulement si la réponse à « %(label)s » est « %(value)s »)") % {
                    "label": question.show_if_question.label,
                    "value": question.show_if_value,
                }
                field.help_text = f"{field.help_text} {hint}".strip()
            name = question_field_name(question)
            self.fields[name] = field
            self.questions.append((question, name))

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", gettext("La fin du projet ne peut pas précéder son début."))
        return cleaned

    def question_fields(self):
        """(question, bound field or None, name of the field it depends on) in order, for the template."""
        names = {q.pk: name for q, name in self.questions}
        return [
            (question, self[name] if name else None, names.get(question.show_if_question_id) or "")
            for question, name in self.questions
        ]

    def service_kwargs(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.FIELDS}
        fields["title"] = fields["title"].strip()
        fields["summary"] = fields["summary"].strip()
        answers = {q.pk: self.cleaned_data.get(name) for q, name in self.questions if name}
        return {"fields": fields, "answers": answers}


class ExpenseLineForm(forms.Form):
    label = forms.CharField(label=_("Poste de dépense"), max_length=255)
    amount = forms.DecimalField(label=_("Montant (EUR)"), **AMOUNT)


class ResourceLineForm(forms.Form):
    label = forms.CharField(label=_("Ressource"), max_length=255)
    funder = forms.CharField(label=_("Financeur"), max_length=255, required=False)
    resource_status = forms.ChoiceField(label=_("Statut"), choices=ResourceStatus.choices)
    amount = forms.DecimalField(label=_("Montant (EUR)"), **AMOUNT)
    is_this_call = forms.BooleanField(label=_("Montant demandé à cet appel"), required=False)


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self, side: str) -> list[dict]:
        return [
            {**form.cleaned_data, "side": side}
            for form in self.forms
            if form.has_changed() and not form.cleaned_data.get("DELETE") and form.cleaned_data
        ]


ExpenseFormSet = forms.formset_factory(
    ExpenseLineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=200, validate_max=True
)
ResourceFormSet = forms.formset_factory(
    ResourceLineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=100, validate_max=True
)


class AttachmentForm(forms.Form):
    target = forms.ChoiceField(label=_("Pièce"))
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, image (PNG, JPEG) ou document bureautique (ODT, ODS, DOCX, XLSX)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(accepted_extensions())}),
    )

    def __init__(self, *args, targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets


class WithdrawForm(forms.Form):
    message = forms.CharField(
        label=_("Un mot pour la collectivité (facultatif)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
