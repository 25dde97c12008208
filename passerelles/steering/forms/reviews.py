from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.core.forms import DateInput, limit_length, scoped
from passerelles.core.models import Directorate, Territory
from passerelles.steering.enums import Rating
from passerelles.steering.models import AlignmentReview, CriterionAssessment, Programme
from passerelles.steering.selectors import reviews as selectors

TEXT_MAX = 5_000


class ReviewForm(forms.ModelForm):
    class Meta:
        model = AlignmentReview
        fields = ["reviewed_on", "summary"]
        widgets = {"reviewed_on": DateInput, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["summary"], TEXT_MAX)


class AssessmentForm(forms.ModelForm):
    """The assessment of one criterion; the criterion is fixed by the page, never read from the request."""

    class Meta:
        model = CriterionAssessment
        fields = ["rating", "comment", "adaptation_required", "adaptation", "owner", "due_date"]
        widgets = {
            "rating": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 2}),
            "adaptation": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput,
        }

    def __init__(self, *args, criterion, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.fields["rating"].choices = Rating.choices
        self.fields["rating"].error_messages["required"] = _("Appréciez ce principe : respecté, partiellement ou non.")
        self.fields["owner"].queryset = scoped(Directorate, organisation)
        self.fields["owner"].empty_label = _("Aucune")
        self.fields["owner"].label = _("Direction responsable de l'adaptation")
        for name in ("comment", "adaptation"):
            limit_length(self.fields[name], TEXT_MAX)
        # Past due dates are allowed: reviews made before the platform are entered afterwards.

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("adaptation_required") and not (cleaned.get("adaptation") or "").strip():
            self.add_error("adaptation", _("Une adaptation est nécessaire : décrivez-la."))
        return cleaned

    def service_row(self) -> dict:
        return {"criterion": self.criterion, **self.cleaned_data}


class ReviewFormSet:
    """The review and one assessment form per criterion of the adopted document (prefix `c<criterion pk>`)."""

    def __init__(self, data=None, *, criteria, organisation):
        self.review_form = ReviewForm(data)
        self.forms = [AssessmentForm(data, criterion=c, organisation=organisation, prefix=f"c{c.pk}") for c in criteria]

    def is_valid(self) -> bool:
        results = [self.review_form.is_valid()] + [f.is_valid() for f in self.forms]
        return all(results)

    @property
    def has_errors(self) -> bool:
        return bool(self.review_form.errors) or any(f.errors for f in self.forms)

    def service_kwargs(self) -> dict:
        return {**self.review_form.cleaned_data, "assessments": [f.service_row() for f in self.forms]}


class AlignmentFilterForm(forms.Form):
    situation = forms.ChoiceField(
        label=_("Situation"),
        required=False,
        choices=[
            (selectors.SITUATION_ATTENTION, _("Jamais examinés ou adaptations ouvertes")),
            (selectors.SITUATION_NEVER, _("Jamais examinés")),
            (selectors.SITUATION_OPEN, _("Adaptations ouvertes")),
            (selectors.SITUATION_ALL, _("Tous les projets")),
        ],
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=_("Tous")
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire partenaire"), queryset=Territory.objects.none(), required=False, empty_label=_("Tous")
    )
    q = forms.CharField(label=_("Texte"), max_length=200, required=False, strip=True)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = scoped(Programme, organisation)
        self.fields["territory"].queryset = scoped(Territory, organisation).order_by("name")

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "situation": data.get("situation") or selectors.SITUATION_ATTENTION,
            "programme": data.get("programme"),
            "territory": data.get("territory"),
            "text": data.get("q") or "",
        }
