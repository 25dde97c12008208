"""Forms of the selection committee: a session, a decision. Field checks only: the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.calls.forms.grants import DATE_WIDGET, MONEY


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=255)
    held_on = forms.DateField(label=_("Date de la séance"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Relevé de décisions"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("accept", _("Retenir")), ("refuse", _("Refuser"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez de retenir ou de refuser la candidature.")},
    )
    amount = forms.DecimalField(label=_("Montant accordé (EUR)"), required=False, **MONEY)
    motivation = forms.CharField(
        label=_("Motivation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un refus : elle est envoyée au porteur."),
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "accepted": data["decision"] == "accept",
            "amount": data.get("amount"),
            "motivation": data.get("motivation", ""),
        }
