"""Forms of the instruction: the applications filter, the officers' moves, eligibility, notes, messages, reviewers."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from passerelles.calls.enums import ApplicationStatus
from passerelles.calls.selectors.instruction import REVIEWER_ROLES, call_choices, reviewer_choices
from passerelles.calls.services.instruction import MESSAGE_MAX

ELIGIBILITY_FILTER = [
    ("", _("Toutes")),
    ("none", _("Non vérifiée")),
    ("yes", _("Éligible")),
    ("no", _("Non éligible")),
]


def _reviewer_label(user) -> str:
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{name} ({user.email})" if name else user.email


class ReviewerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _reviewer_label(obj)


class ApplicationFilterForm(forms.Form):
    call = forms.ModelChoiceField(label=_("Appel"), queryset=None, required=False, empty_label=_("Tous"))
    status = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Tous"))] + list(ApplicationStatus.choices)
    )
    reviewer = ReviewerField(label=_("Évaluateur·rice"), queryset=None, required=False, empty_label=_("Tous"))
    eligibility = forms.ChoiceField(label=_("Éligibilité"), required=False, choices=ELIGIBILITY_FILTER)
    q = forms.CharField(label=_("Référence, intitulé ou porteur"), max_length=200, required=False, strip=True)
    drafts = forms.BooleanField(label=_("Inclure les brouillons"), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = call_choices(organisation=organisation)
        self.fields["reviewer"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__organisation=organisation,
                memberships__is_active=True,
                memberships__role__in=REVIEWER_ROLES,
            )
            .order_by("email")
        )

    def selector_kwargs(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # the valid filters apply, the invalid ones are ignored
        return {
            "call": data.get("call"),
            "status": data.get("status") or "",
            "reviewer": data.get("reviewer"),
            "eligibility": data.get("eligibility") or "",
            "q": data.get("q") or "",
            "include_drafts": bool(data.get("drafts")),
        }


def _message_field(*, required: bool, label, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MESSAGE_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Ce changement d'état demande un message au porteur.")},
    )


class InstructForm(forms.Form):
    message = _message_field(
        required=False,
        label=_("Message au porteur"),
        help_text=_("Obligatoire pour reprendre une décision en instruction."),
    )


class ReturnForm(forms.Form):
    message = _message_field(required=True, label=_("Ce que le porteur doit compléter"))
    due_on = forms.DateField(
        label=_("Compléments attendus le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Indiquez la date à laquelle les compléments sont attendus.")},
    )


class CloseForm(forms.Form):
    message = _message_field(required=True, label=_("Motif du classement sans suite"))


class EligibilityForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Avis d'éligibilité"),
        choices=[("yes", _("Éligible")), ("no", _("Non éligible"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Indiquez si la candidature est éligible.")},
    )
    note = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=MESSAGE_MAX,
        help_text=_("Obligatoire quand la candidature n'est pas éligible."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("eligible") is False and not (data.get("note") or "").strip():
            self.add_error("note", _("Donnez le motif de l'inéligibilité."))
        return data


class AnnotationForm(forms.Form):
    body = forms.CharField(
        label=_("Annotation privée"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible des seuls chargés de mission et administrateurs ; jamais du porteur."),
        error_messages={"required": _("L'annotation est vide.")},
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Le message est vide.")},
    )


class AssignForm(forms.Form):
    reviewer = ReviewerField(
        label=_("Évaluateur·rice"),
        queryset=None,
        error_messages={
            "required": _("Choisissez un membre à qui confier l'évaluation."),
            "invalid_choice": _("Ce membre ne peut pas évaluer cette candidature."),
        },
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        excluded = {application.applicant_id, application.actor.account_id} - {None}
        already = application.assignments.values_list("reviewer_id", flat=True)
        user_ids = (
            reviewer_choices(organisation=application.organisation)
            .exclude(user_id__in=excluded)
            .exclude(user_id__in=already)
            .values_list("user_id", flat=True)
        )
        self.fields["reviewer"].queryset = (
            get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("email")
        )
