"""Forms of the reviews: the conflict-of-interest declaration and the scoring grid of the call."""

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.calls.models import SCORE_MAX
from passerelles.calls.selectors.reviews import STATE_LABELS
from passerelles.calls.services.reviews import COMMENT_MAX


class MyReviewsFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous")), *STATE_LABELS.items()])

    def selector_kwargs(self) -> dict:
        self.is_valid()
        return {"state": getattr(self, "cleaned_data", {}).get("state") or ""}


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Avez-vous un conflit d'intérêts avec ce porteur ou ce projet ?"),
        help_text=_(
            "Par exemple : vous êtes membre, salarié·e ou proche d'un dirigeant de la structure, ou vous en tirez "
            "un intérêt personnel."
        ),
        choices=[("no", _("Non, aucun conflit d'intérêts")), ("yes", _("Oui, j'ai un conflit d'intérêts"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Répondez par oui ou par non.")},
    )
    reason = forms.CharField(
        label=_("Nature du conflit"),
        required=False,
        max_length=COMMENT_MAX,
        help_text=_("Obligatoire si vous déclarez un conflit."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") is True and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Précisez la nature du conflit d'intérêts."))
        return data


SCORE_CHOICES = [("", _("Non noté"))] + [(str(n), str(n)) for n in range(SCORE_MAX + 1)]


class ScoreForm(forms.Form):
    """One score (0 to 5) and one comment per criterion of the call, a general opinion, save or submit."""

    general_comment = forms.CharField(
        label=_("Avis général"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        existing = {s.criterion_id: s for s in (scores or [])}
        for criterion in self.criteria:
            score = existing.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Note"),
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(score.score) if score else "",
                error_messages={"invalid_choice": _("Une note entre 0 et %(max)s.") % {"max": SCORE_MAX}},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Commentaire"),
                required=False,
                max_length=COMMENT_MAX,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields(
            [*(f for c in self.criteria for f in (f"score_{c.pk}", f"comment_{c.pk}")), "general_comment"]
        )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {
                c.pk: {"score": data.get(f"score_{c.pk}"), "comment": data.get(f"comment_{c.pk}") or ""}
                for c in self.criteria
            },
            "general_comment": data.get("general_comment") or "",
        }
