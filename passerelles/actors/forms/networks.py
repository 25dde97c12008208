"""Forms of the networks, of their prioritisation criteria and of the scoring grid."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import MembershipStatus, NetworkScope
from passerelles.actors.models import SCORE_MAX, Network, NetworkCriterion
from passerelles.core.forms import limit_length
from passerelles.core.models import Directorate
from passerelles.core.tenancy import for_org

WORKING_GROUPS_MAX = 30
WORKING_GROUP_LENGTH = 200
DESCRIPTION_MAX = 5_000
COMMENT_MAX = 500


class NetworkFilterForm(forms.Form):
    membership_status = forms.ChoiceField(
        label=_("Adhésion"), choices=[("", _("Toutes"))] + list(MembershipStatus.choices), required=False
    )
    scope = forms.ChoiceField(
        label=_("Échelle"), choices=[("", _("Toutes"))] + list(NetworkScope.choices), required=False
    )

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"membership_status": data.get("membership_status") or None, "scope": data.get("scope") or None}


class CriteriaFilterForm(forms.Form):
    q = forms.CharField(label=_("Critère"), max_length=200, required=False, strip=True)


class EuroField(forms.DecimalField):
    """An amount in euros: "1 500,50" and "1500.50" alike, never negative."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.validators.append(MinValueValidator(Decimal("0"), _("Le montant ne peut pas être négatif.")))

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
            value = value.removesuffix("€")
        return super().to_python(value)


class NetworkForm(forms.ModelForm):
    website = forms.URLField(label=_("Site internet"), required=False, max_length=200, assume_scheme="https")
    annual_fee = EuroField(
        label=_("Cotisation annuelle (EUR)"),
        required=False,
        help_text=_("En euros, ex. 1 500,50."),
        error_messages={"invalid": _("Saisissez un montant en euros, ex. 1 500,50.")},
    )
    working_groups = forms.CharField(
        label=_("Groupes de travail suivis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Un groupe par ligne (%(lines)s au plus, %(chars)s caractères chacun).")
        % {"lines": WORKING_GROUPS_MAX, "chars": WORKING_GROUP_LENGTH},
    )

    class Meta:
        model = Network
        fields = [
            "name",
            "acronym",
            "scope",
            "membership_status",
            "member_since",
            "annual_fee",
            "working_groups",
            "lead_directorate",
            "website",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"member_since": _("Année, ex. 2012.")}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        limit_length(self.fields["description"], DESCRIPTION_MAX)
        # Room for every allowed line and its line break; each line is checked below.
        limit_length(self.fields["working_groups"], WORKING_GROUPS_MAX * (WORKING_GROUP_LENGTH + 2))
        self.fields["lead_directorate"].queryset = for_org(Directorate, organisation).order_by("name")
        if self.instance.pk:
            self.initial["working_groups"] = "\n".join(self.instance.working_groups or [])

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_working_groups(self):
        lines = [line.strip() for line in self.cleaned_data["working_groups"].splitlines()]
        groups = [line for line in lines if line]
        if len(groups) > WORKING_GROUPS_MAX:
            raise forms.ValidationError(
                _("%(max)s groupes de travail au plus (vous en avez saisi %(count)s).")
                % {"max": WORKING_GROUPS_MAX, "count": len(groups)}
            )
        too_long = [n for n, group in enumerate(groups, start=1) if len(group) > WORKING_GROUP_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Ligne %(line)s : %(chars)s caractères au plus par groupe de travail.")
                % {"line": too_long[0], "chars": WORKING_GROUP_LENGTH}
            )
        return list(dict.fromkeys(groups))


class CriterionForm(forms.ModelForm):
    class Meta:
        model = NetworkCriterion
        fields = ["label", "description", "weight", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "weight": _("De 1 (secondaire) à 10 (déterminant)."),
            "position": _("Les critères sont présentés du plus petit au plus grand numéro."),
        }
        error_messages = {
            "weight": {
                "min_value": _("La pondération va de 1 à 10."),
                "max_value": _("La pondération va de 1 à 10."),
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["description"], DESCRIPTION_MAX)

    def clean_label(self):
        return self.cleaned_data["label"].strip()


def _score_choices():
    return [("", _("Non noté"))] + [(str(n), str(n)) for n in range(SCORE_MAX + 1)]


class ScoresForm(forms.Form):
    """Every criterion of the grid at once for one network: a score (or "not scored") and a comment each."""

    def __init__(self, *args, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            existing = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Note — %(label)s") % {"label": criterion.label},
                choices=_score_choices(),
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(existing.score) if existing else "",
                error_messages={"invalid_choice": _("Une note va de 0 à %(max)s.") % {"max": SCORE_MAX}},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Commentaire — %(label)s") % {"label": criterion.label},
                max_length=COMMENT_MAX,
                required=False,
                initial=existing.comment if existing else "",
            )

    def rows(self):
        """(criterion, score field, comment field), for the template."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            score_key, comment_key = f"score_{criterion.pk}", f"comment_{criterion.pk}"
            if score_key in cleaned and cleaned.get(score_key) is None and cleaned.get(comment_key):
                self.add_error(comment_key, _("Donnez une note pour conserver ce commentaire."))
        return cleaned

    def scores(self) -> list[tuple[NetworkCriterion, int | None, str]]:
        return [
            (c, self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"].strip()) for c in self.criteria
        ]
