"""Who works on what, where; likely duplicates and their merge. Thin views over `selectors.matrix` and
`services.matrix`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from passerelles.actors.enums import ActorKind
from passerelles.actors.selectors import matrix as matrix_selectors
from passerelles.actors.selectors.common import get_actor_or_404
from passerelles.actors.services import matrix as matrix_services
from passerelles.core import permissions
from passerelles.core.exports import table_response
from passerelles.core.views_helpers import export_delimiter, export_format, paginate, querystring_without, require


class MatrixFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Type d'acteur"),
        choices=[("", gettext_lazy("Tous"))] + list(ActorKind.choices),
        required=False,
    )


class DuplicateFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Nom"), max_length=200, required=False, strip=True)
    reason = forms.ChoiceField(
        label=gettext_lazy("Motif"),
        choices=[
            ("", gettext_lazy("Tous")),
            ("siret", gettext_lazy("Même SIRET")),
            ("name", gettext_lazy("Même nom dans la même commune")),
        ],
        required=False,
    )


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        label=gettext_lazy("Fiche à conserver"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("L'autre fiche y est fusionnée puis supprimée."),
        error_messages={
            "required": gettext_lazy("Choisissez la fiche à conserver."),
            "invalid_choice": gettext_lazy("Choisissez l'une des deux fiches proposées."),
        },
    )

    def __init__(self, *args, first, second, **kwargs):
        kwargs.setdefault("prefix", f"m{first.pk}-{second.pk}")
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(first.pk, first.name), (second.pk, second.name)]


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


# -- who works on what, where ----------------------------------------------------------------------


def _matrix(request):
    form = MatrixFilterForm(request.GET or None)
    kind = form.cleaned_data.get("kind") if form.is_valid() else None
    return form, kind or None, matrix_selectors.theme_matrix(organisation=request.organisation, kind=kind or None)


@require_GET
@require(permissions.can_view_actors)
def matrix(request):
    form, kind, matrix = _matrix(request)
    context = {
        "filter_form": form,
        "kind": kind,
        "matrix": matrix,
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    return render(request, "actors/matrix/matrix.html", context)


@require_GET
@require(permissions.can_view_actors)
def matrix_export(request):
    fmt = export_format(request)
    _form, _kind, matrix = _matrix(request)
    return table_response(
        fmt=fmt,
        filename=f"qui-fait-quoi-{request.organisation.slug}",
        header=matrix_selectors.matrix_header(matrix),
        rows=matrix_selectors.matrix_rows(matrix),
        title=_("Qui fait quoi, où"),
        delimiter=export_delimiter(request),
    )


# -- duplicates and merge --------------------------------------------------------------------------


def _duplicates(request):
    form = DuplicateFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    pairs = matrix_selectors.duplicate_pairs(
        organisation=request.organisation, reason=data.get("reason") or None, text=data.get("q") or ""
    )
    return form, pairs


def _duplicates_page(request, *, failed=None, status=200):
    form, pairs = _duplicates(request)
    page = paginate(request, pairs)
    failed_key = failed.prefix if failed is not None else None
    entries = []
    for pair in page.object_list:
        merge_form = MergeForm(first=pair.first, second=pair.second)
        if failed_key == merge_form.prefix:
            merge_form = failed
        entries.append((pair, merge_form))
    context = {
        "filter_form": form,
        "page": page,
        "entries": entries,
        "failed": failed,
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    return render(request, "actors/matrix/duplicates.html", context, status=status)


@require_GET
@require(permissions.can_edit_actors)
def duplicates(request):
    return _duplicates_page(request)


@require_GET
@require(permissions.can_edit_actors)
def duplicates_export(request):
    fmt = export_format(request)
    _form, pairs = _duplicates(request)
    return table_response(
        fmt=fmt,
        filename=f"doublons-{request.organisation.slug}",
        header=matrix_selectors.duplicates_header(),
        rows=matrix_selectors.duplicates_rows(pairs),
        title=_("Doublons probables"),
        delimiter=export_delimiter(request),
    )


@require_POST
@require(permissions.can_edit_actors)
def merge(request, first, second):
    first = get_actor_or_404(request.organisation, first)
    second = get_actor_or_404(request.organisation, second)
    form = MergeForm(request.POST, first=first, second=second)
    if form.is_valid():
        keep, absorb = (first, second) if form.cleaned_data["keep"] == first.pk else (second, first)
        try:
            kept = matrix_services.merge_actors(keep=keep, absorb=absorb, user=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("« %(absorbed)s » a été fusionné dans « %(kept)s ».") % {"absorbed": absorb.name, "kept": kept.name},
            )
            return redirect(_org_url(request, "actors:actor", kept.pk))
    return _duplicates_page(request, failed=form, status=422)
