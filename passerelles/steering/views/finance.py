"""Budget and co-financing pages: funders, exchange rates, a project's budget, envelopes, the portfolio budget."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.core import permissions
from passerelles.core.exports import table_response
from passerelles.core.idempotency import idempotent
from passerelles.core.views_helpers import (
    export_delimiter,
    export_format,
    form_status,
    paginate,
    querystring_without,
    require,
    save_form,
)
from passerelles.steering.forms.finance import (
    BudgetFilterForm,
    BudgetLineForm,
    EnvelopeForm,
    ExchangeRateFilterForm,
    ExchangeRateForm,
    FunderFilterForm,
    FunderForm,
    InKindForm,
    TransactionFilterForm,
    TransactionForm,
    YearForm,
)
from passerelles.steering.selectors import finance as selectors
from passerelles.steering.selectors.common import get_project_or_404
from passerelles.steering.services import finance as services

FORM_TEMPLATE = "steering/finance/form.html"


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


def _export_format(request) -> str | None:
    """`csv` or `xlsx` when the list is asked as a file; None for the page; 404 for anything else."""
    return export_format(request) if "format" in request.GET else None


def _export(request, fmt, *, filename, header, rows, title):
    return table_response(
        fmt=fmt,
        filename=f"{filename}-{request.organisation.slug}",
        header=[str(h) for h in header],
        rows=rows,
        title=title,
        delimiter=export_delimiter(request),
    )


def _list_context(request, items) -> dict:
    return {
        "page": paginate(request, items),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }


def _form_page(request, form, *, title, cancel_url, kicker="", project=None, submit=None):
    context = {
        "form": form,
        "title": title,
        "kicker": kicker,
        "cancel_url": cancel_url,
        "project": project,
        "submit_label": submit or _("Enregistrer"),
    }
    return render(request, FORM_TEMPLATE, context, status=form_status(request))


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


# -- funders --------------------------------------------------------------------------------------


FUNDER_HEADER = [
    gettext_lazy("Nom"),
    gettext_lazy("Sigle"),
    gettext_lazy("Type"),
    gettext_lazy("Accordé (€)"),
    gettext_lazy("Demandé (€)"),
    gettext_lazy("En nature (€)"),
]


@require_GET
@require(permissions.can_view_steering)
def funder_list(request):
    form = FunderFilterForm(request.GET or None)
    funders = selectors.funder_list(organisation=request.organisation, **form.selector_kwargs())
    fmt = _export_format(request)
    if fmt:
        rows = (
            [
                f.name,
                f.short_name,
                f.get_kind_display(),
                _money(f.granted_total),
                _money(f.requested_total),
                _money(f.in_kind_total),
            ]
            for f in funders
        )
        return _export(request, fmt, filename="bailleurs", header=FUNDER_HEADER, rows=rows, title=_("Bailleurs"))
    context = {"filter_form": form, **_list_context(request, funders)}
    template = "steering/finance/includes/_funder_results.html" if request.htmx else "steering/finance/funders.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_finance)
@idempotent
def funder_create(request):
    form = FunderForm(request.POST or None, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.funder_create(organisation=request.organisation, user=request.user, **data),
        success=lambda funder: _("Bailleur « %(name)s » créé.") % {"name": funder.name},
        next_url=_org_url(request, "steering:funders"),
    )
    return saved or _form_page(
        request, form, title=_("Nouveau bailleur"), cancel_url=_org_url(request, "steering:funders")
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_finance)
def funder_edit(request, pk):
    funder = selectors.get_funder_or_404(request.organisation, pk)
    form = FunderForm(request.POST or None, instance=funder, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.funder_update(funder=funder, user=request.user, **data),
        success=lambda _saved: _("Bailleur « %(name)s » enregistré.") % {"name": funder.name},
        next_url=_org_url(request, "steering:funders"),
    )
    title = _("Modifier le bailleur %(name)s") % {"name": funder}
    return saved or _form_page(request, form, title=title, cancel_url=_org_url(request, "steering:funders"))


# -- exchange rates -------------------------------------------------------------------------------


RATE_HEADER = [gettext_lazy("Devise"), gettext_lazy("Valable à partir du"), gettext_lazy("Unités pour 1 €")]


def _rates_page(request, rate_form, status=200):
    filter_form = ExchangeRateFilterForm(request.GET or None)
    currency = filter_form.data_or_empty.get("currency") or None
    rates = selectors.exchange_rate_list(organisation=request.organisation, currency=currency)
    fmt = _export_format(request) if request.method == "GET" else None
    if fmt:
        rows = ([r.currency, r.valid_from.isoformat(), f"{r.units_per_eur}"] for r in rates)
        return _export(request, fmt, filename="taux-de-change", header=RATE_HEADER, rows=rows, title=_("Taux"))
    context = {"filter_form": filter_form, "rate_form": rate_form, **_list_context(request, rates)}
    if request.htmx and request.method == "GET":
        return render(request, "steering/finance/includes/_rate_results.html", context)
    return render(request, "steering/finance/exchange_rates.html", context, status=status)


@require_GET
@require(permissions.can_view_steering)
def exchange_rate_list(request):
    form = (
        ExchangeRateForm(organisation=request.organisation)
        if permissions.can_edit_finance(request.user, request.organisation)
        else None
    )
    return _rates_page(request, form)


@require_POST
@require(permissions.can_edit_finance)
@idempotent
def exchange_rate_create(request):
    form = ExchangeRateForm(request.POST, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.exchange_rate_create(organisation=request.organisation, user=request.user, **data),
        success=lambda rate: (
            _("Taux %(c)s enregistré à partir du %(d)s.")
            % {"c": rate.currency, "d": rate.valid_from.strftime("%d/%m/%Y")}
        ),
        next_url=_org_url(request, "steering:exchange_rates"),
    )
    return saved or _rates_page(request, form, status=422)


# -- a project's budget ---------------------------------------------------------------------------


TRANSACTION_HEADER = [
    gettext_lazy("Date"),
    gettext_lazy("Type"),
    gettext_lazy("Montant"),
    gettext_lazy("Devise"),
    gettext_lazy("Taux appliqué (unités pour 1 €)"),
    gettext_lazy("Montant (€)"),
    gettext_lazy("Bailleur"),
    gettext_lazy("Libellé"),
]


def _project(request, pk):
    return get_project_or_404(request.organisation, pk, user=request.user)


@require_GET
@require(permissions.can_view_projects)
def project_budget(request, pk):
    project = _project(request, pk)
    filter_form = TransactionFilterForm(request.GET or None)
    filters = filter_form.data_or_empty
    transactions = selectors.project_transactions(project=project, year=filters.get("year"))
    if filters.get("kind"):
        transactions = transactions.filter(kind=filters["kind"])
    fmt = _export_format(request)
    if fmt:
        rows = (
            [
                t.date.isoformat(),
                t.get_kind_display(),
                _money(t.amount),
                t.currency,
                f"{t.units_per_eur}",
                _money(t.amount_eur),
                str(t.funder or ""),
                t.description,
            ]
            for t in transactions
        )
        return _export(
            request,
            fmt,
            filename=f"transactions-{project.code}",
            header=TRANSACTION_HEADER,
            rows=rows,
            title=_("Transactions"),
        )
    context = {
        "project": project,
        "finance": selectors.project_finance(project=project),
        "budget_lines": selectors.project_budget_lines(project=project),
        "in_kind": selectors.project_in_kind(project=project),
        "staff_time": selectors.project_staff_time(project=project),
        "filter_form": filter_form,
        "can_edit": permissions.can_edit_finance(request.user, request.organisation),
        **_list_context(request, transactions),
    }
    if request.htmx:
        return render(request, "steering/finance/includes/_transaction_results.html", context)
    return render(request, "steering/finance/project_budget.html", context)


def _budget_url(request, project):
    return _org_url(request, "steering:project_budget", project.pk)


def _project_form(request, project, form, save, *, success, anchor, title):
    """A form about one project's budget: saved, back to its budget page at `anchor`; else the form again."""
    saved = save_form(request, form, save, success=success, next_url=_budget_url(request, project) + f"#{anchor}")
    return saved or _form_page(
        request, form, title=title, kicker=project, project=project, cancel_url=_budget_url(request, project)
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_finance)
@idempotent
def budget_line_create(request, pk):
    project = _project(request, pk)
    return _project_form(
        request,
        project,
        BudgetLineForm(request.POST or None, organisation=request.organisation),
        lambda data: services.budget_line_create(project=project, user=request.user, **data),
        success=_("Ligne budgétaire ajoutée."),
        anchor="lines",
        title=_("Nouvelle ligne budgétaire"),
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_finance)
def budget_line_edit(request, pk, line_pk):
    project = _project(request, pk)
    line = selectors.get_budget_line_or_404(project, line_pk)
    return _project_form(
        request,
        project,
        BudgetLineForm(request.POST or None, instance=line, organisation=request.organisation),
        lambda data: services.budget_line_update(line=line, user=request.user, **data),
        success=_("Ligne budgétaire enregistrée."),
        anchor="lines",
        title=_("Modifier la ligne budgétaire"),
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_finance)
@idempotent
def transaction_create(request, pk):
    project = _project(request, pk)
    return _project_form(
        request,
        project,
        TransactionForm(request.POST or None, organisation=request.organisation),
        lambda data: services.transaction_create(project=project, user=request.user, **data),
        success=_("Transaction enregistrée."),
        anchor="transactions",
        title=_("Nouvelle transaction"),
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_finance)
@idempotent
def in_kind_create(request, pk):
    project = _project(request, pk)
    return _project_form(
        request,
        project,
        InKindForm(request.POST or None, organisation=request.organisation),
        lambda data: services.in_kind_create(project=project, user=request.user, **data),
        success=_("Contribution en nature enregistrée."),
        anchor="in-kind",
        title=_("Nouvelle contribution en nature"),
    )


# -- budget arbitration (action T4) ---------------------------------------------------------------


ENVELOPE_HEADER = [
    gettext_lazy("Année"),
    gettext_lazy("Type de projet"),
    gettext_lazy("Enveloppe (€)"),
    gettext_lazy("Prévu : lignes accordées (€)"),
    gettext_lazy("Écart enveloppe - prévu (€)"),
    gettext_lazy("Réalisé : décaissements (€)"),
    gettext_lazy("Écart enveloppe - réalisé (€)"),
]


@require_GET
@require(permissions.can_view_steering)
def envelopes(request):
    years = selectors.finance_years(organisation=request.organisation)
    this_year = timezone.localdate().year
    form = YearForm(request.GET or None, years=sorted(set(years) | {this_year}))
    year = form.data_or_empty.get("year") or (this_year if this_year in years or not years else years[-1])
    overview = selectors.envelope_overview(organisation=request.organisation, year=year)
    fmt = _export_format(request)
    if fmt:
        rows = (
            [
                year,
                r.kind_label,
                _money(r.amount),
                _money(r.planned),
                _money(r.planned_gap),
                _money(r.actual),
                _money(r.actual_gap),
            ]
            for r in overview.rows
        )
        return _export(
            request, fmt, filename=f"enveloppes-{year}", header=ENVELOPE_HEADER, rows=rows, title=_("Enveloppes")
        )
    context = {"filter_form": form, "overview": overview, "year": year, **_list_context(request, overview.rows)}
    if request.htmx:
        return render(request, "steering/finance/includes/_envelope_results.html", context)
    return render(request, "steering/finance/envelopes.html", context)


def _envelopes_url(request, year):
    return f"{_org_url(request, 'steering:envelopes')}?year={year}"


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_finance)
@idempotent
def envelope_create(request):
    form = EnvelopeForm(request.POST or None, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.envelope_create(organisation=request.organisation, user=request.user, **data),
        success=_("Enveloppe enregistrée."),
        next_url=lambda envelope: _envelopes_url(request, envelope.year),
    )
    return saved or _form_page(
        request, form, title=_("Nouvelle enveloppe budgétaire"), cancel_url=_org_url(request, "steering:envelopes")
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_finance)
def envelope_edit(request, pk):
    envelope = selectors.get_envelope_or_404(request.organisation, pk)
    form = EnvelopeForm(request.POST or None, instance=envelope, organisation=request.organisation)
    saved = save_form(
        request,
        form,
        lambda data: services.envelope_update(envelope=envelope, user=request.user, **data),
        success=_("Enveloppe enregistrée."),
        next_url=lambda _saved: _envelopes_url(request, envelope.year),
    )
    return saved or _form_page(
        request,
        form,
        title=_("Modifier l'enveloppe %(e)s") % {"e": envelope},
        cancel_url=_envelopes_url(request, envelope.year),
    )


# -- the portfolio budget -------------------------------------------------------------------------


BUDGET_HEADER = [
    gettext_lazy("Année"),
    gettext_lazy("Agrégat historique"),
    gettext_lazy("Budget : lignes accordées (€)"),
    gettext_lazy("dont agrégats historiques (€)"),
    gettext_lazy("Demandé, en attente (€)"),
    gettext_lazy("Contributions en nature, temps agent compris (€)"),
    gettext_lazy("Ressources totales (€)"),
    gettext_lazy("Part propre (€)"),
    gettext_lazy("Part extérieure (€)"),
    gettext_lazy("Effet levier (€ extérieur pour 1 € propre)"),
    gettext_lazy("Engagé (€)"),
    gettext_lazy("Décaissé (€)"),
    gettext_lazy("Taux d'exécution (%)"),
]


def _budget_filters(request):
    years = selectors.finance_years(organisation=request.organisation)
    form = BudgetFilterForm(request.GET or None, organisation=request.organisation, years=years)
    finance = selectors.portfolio_finance(organisation=request.organisation, **form.selector_kwargs())
    return form, finance


def budget_rows(finance):
    """The rows of the budget export: one per year, then the total."""
    for figures in [*finance.years, finance.total]:
        if figures.is_total:
            label = _("Total")
        elif figures.year is None:
            label = _("Année non précisée")
        else:
            label = figures.year
        yield [
            label,
            _("oui") if figures.has_aggregate else _("non"),
            _money(figures.budget),
            _money(figures.aggregate_budget),
            _money(figures.requested),
            _money(figures.in_kind),
            _money(figures.total_resources),
            _money(figures.own),
            _money(figures.external),
            _money(figures.leverage),
            _money(figures.committed),
            _money(figures.disbursed),
            "" if figures.execution_percent is None else figures.execution_percent,
        ]


@require_GET
@require(permissions.can_view_steering)
def budget(request):
    form, finance = _budget_filters(request)
    context = {
        "filter_form": form,
        "finance": finance,
        **_list_context(request, finance.by_funder),
    }
    template = "steering/finance/includes/_budget_results.html" if request.htmx else "steering/finance/budget.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_view_steering)
def budget_export(request):
    fmt = export_format(request)
    _form, finance = _budget_filters(request)
    return _export(request, fmt, filename="budget", header=BUDGET_HEADER, rows=budget_rows(finance), title=_("Budget"))
