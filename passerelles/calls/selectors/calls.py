"""Reads of the calls and of their rules: lists, the staff page, the public pages, the rules in plain language."""

import datetime
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.actors.enums import ActorKind, Theme
from passerelles.calls.enums import ApplicationStatus, CallStatus, SupportModality
from passerelles.calls.models import Call, CallTransition, Criterion, Question, ReportIndicator, RequiredDocument
from passerelles.core.templatetags.passerelles_format import euros
from passerelles.core.tenancy import for_org, get_for_org_or_404
from passerelles.strategy.enums import DocumentStatus
from passerelles.strategy.models import AlignmentCriterion, Orientation, StrategyDocument

# -- one object of a URL, or 404 ------------------------------------------------------------------


def get_call_or_404(organisation, pk) -> Call:
    return get_for_org_or_404(Call, organisation, pk)


def get_question_or_404(organisation, pk) -> Question:
    return get_for_org_or_404(Question.objects.select_related("call"), organisation, pk)


def get_document_or_404(organisation, pk) -> RequiredDocument:
    return get_for_org_or_404(RequiredDocument.objects.select_related("call"), organisation, pk)


def get_criterion_or_404(organisation, pk) -> Criterion:
    return get_for_org_or_404(Criterion.objects.select_related("call"), organisation, pk)


def get_indicator_or_404(organisation, pk) -> ReportIndicator:
    return get_for_org_or_404(ReportIndicator.objects.select_related("call"), organisation, pk)


# -- the strategy the calls refer to --------------------------------------------------------------


def adopted_document(*, organisation) -> StrategyDocument | None:
    return for_org(StrategyDocument, organisation).filter(status=DocumentStatus.ADOPTED).first()


def adopted_alignment_criteria(*, organisation) -> list[AlignmentCriterion]:
    """The guiding principles of the adopted strategy: every call's scoring grid includes them."""
    document = adopted_document(organisation=organisation)
    if document is None:
        return []
    return list(AlignmentCriterion.objects.filter(document=document).order_by("position", "code"))


def missing_alignment_criteria(call: Call) -> list[AlignmentCriterion]:
    present = set(call.criteria.exclude(alignment_criterion=None).values_list("alignment_criterion_id", flat=True))
    return [c for c in adopted_alignment_criteria(organisation=call.organisation) if c.pk not in present]


def current_orientations(*, organisation) -> list[Orientation]:
    """The orientations of the current strategy (the adopted one; failing that, the latest version)."""
    from passerelles.strategy.selectors import current_document

    document = current_document(organisation=organisation)
    if document is None:
        return []
    return list(Orientation.objects.filter(document=document).order_by("number"))


def orientations_by_number(*, organisation) -> dict[int, Orientation]:
    return {o.number: o for o in current_orientations(organisation=organisation)}


# -- lists ----------------------------------------------------------------------------------------


def _application_counts() -> dict:
    counts = {"received_count": Count("applications", filter=~Q(applications__status=ApplicationStatus.DRAFT))}
    for status in ApplicationStatus:
        counts[f"count_{status.value}"] = Count("applications", filter=Q(applications__status=status.value))
    return counts


def call_list(*, organisation, status: str | None = None, year: int | None = None) -> QuerySet[Call]:
    calls = for_org(Call, organisation).annotate(**_application_counts())
    if status:
        calls = calls.filter(status=status)
    if year:
        calls = calls.filter(opens_at__year=year)
    return calls.order_by("-opens_at", "title", "pk")


def call_years(*, organisation) -> list[int]:
    return sorted({d.year for d in for_org(Call, organisation).datetimes("opens_at", "year")}, reverse=True)


def state_counts(call: Call) -> list[tuple[str, str, int]]:
    """(status, label, count) of the states that have applications, for an annotated call of `call_list`."""
    return [
        (s.value, s.label, getattr(call, f"count_{s.value}"))
        for s in ApplicationStatus
        if getattr(call, f"count_{s.value}", 0)
    ]


def export_header() -> list[str]:
    return [
        str(label)
        for label in (
            _("Intitulé"),
            _("État"),
            _("Ouverture (heure de Paris)"),
            _("Clôture (heure de Paris)"),
            _("Enveloppe (EUR)"),
            _("Candidatures reçues"),
            *[s.label for s in ApplicationStatus],
        )
    ]


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def export_rows(calls):
    for call in calls:
        yield [
            call.title,
            str(call.get_status_display()),
            _local(call.opens_at),
            _local(call.closes_at),
            call.envelope,
            call.received_count,
            *[getattr(call, f"count_{s.value}") for s in ApplicationStatus],
        ]


# -- the staff page of a call ---------------------------------------------------------------------


def criteria_with_share(call: Call) -> list[Criterion]:
    """The grid, each criterion with `share` (its weight as a percentage of the total weight)."""
    criteria = list(call.criteria.select_related("alignment_criterion").annotate(score_count=Count("scores")))
    total = sum(c.weight for c in criteria)
    for criterion in criteria:
        criterion.share = round(Decimal(criterion.weight * 100) / total, 1) if total else Decimal(0)
    return criteria


def call_detail(*, organisation, pk) -> dict:
    call = get_for_org_or_404(for_org(Call, organisation).annotate(**_application_counts()), organisation, pk)
    questions = list(call.questions.select_related("show_if_question").annotate(answer_count=Count("answers")))
    return {
        "call": call,
        "state_counts": state_counts(call),
        "transitions": list(CallTransition.objects.filter(call=call).select_related("by")),
        "questions": questions,
        "documents": list(call.required_documents.all()),
        "criteria": criteria_with_share(call),
        "indicators": list(call.indicators.all()),
        "missing_alignment": missing_alignment_criteria(call),
        "orientations": targeted_orientations(call),
        "theme_labels": theme_labels(call),
        "rules": rules_in_plain_language(call),
    }


def targeted_orientations(call: Call, by_number: dict[int, Orientation] | None = None) -> list[Orientation]:
    by_number = orientations_by_number(organisation=call.organisation) if by_number is None else by_number
    return [by_number[n] for n in call.orientations if n in by_number]


def theme_labels(call: Call) -> list[str]:
    labels = dict(Theme.choices)
    return [str(labels[t]) for t in call.themes if t in labels]


# -- the rules in plain language ------------------------------------------------------------------


def french_datetime(value: datetime.datetime) -> str:
    """ "vendredi 30 janvier 2026 à 12 h 00", in Paris time."""
    local = timezone.localtime(value, timezone.get_default_timezone())
    return _("%(date)s à %(hour)s h %(minute)02d") % {
        "date": french_date(local.date()),
        "hour": local.hour,
        "minute": local.minute,
    }


def french_date(value: datetime.date) -> str:
    """ "vendredi 30 janvier 2026"; the first of the month is "1er"."""
    day = _("1er") if value.day == 1 else str(value.day)
    return f"{dateformat.format(value, 'l')} {day} {dateformat.format(value, 'F Y')}"


def _percent(value: Decimal) -> str:
    return formats.number_format(value.normalize() if value == value.to_integral_value() else value, use_l10n=True)


def _lower_first(text: str) -> str:
    """ "Maison des jeunes (MJC)" -> "maison des jeunes (MJC)": acronyms keep their capitals."""
    return text[:1].lower() + text[1:]


def _or_join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s ou %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _who_sentence(call: Call) -> str:
    kinds = dict(ActorKind.choices)
    labels = [_lower_first(str(kinds[k])) for k in call.eligible_kinds if k in kinds]
    who = (
        _("les structures de type %(kinds)s") % {"kinds": _or_join(labels)}
        if labels
        else _("toutes les structures (associations, établissements, entreprises…)")
    )
    conditions = []
    if call.requires_home_territory:
        conditions.append(_("situées sur le territoire de %(name)s") % {"name": call.organisation.name})
    if call.min_age_years:
        conditions.append(
            ngettext(
                "créées depuis au moins %(count)s an",
                "créées depuis au moins %(count)s ans",
                call.min_age_years,
            )
            % {"count": call.min_age_years}
        )
    return _("Peuvent candidater : %(who)s.") % {"who": ", ".join([who, *conditions])}


def _amount_sentence(call: Call) -> str | None:
    if call.min_amount is not None and call.max_amount is not None:
        amount = _("de %(min)s à %(max)s") % {"min": euros(call.min_amount), "max": euros(call.max_amount)}
    elif call.max_amount is not None:
        amount = _("jusqu'à %(max)s") % {"max": euros(call.max_amount)}
    elif call.min_amount is not None:
        amount = _("au moins %(min)s") % {"min": euros(call.min_amount)}
    else:
        amount = None
    share = (
        _("au plus %(share)s %% du budget du projet") % {"share": _percent(call.max_share_percent)}
        if call.max_share_percent is not None
        else None
    )
    parts = [p for p in (amount, share) if p]
    if not parts:
        return None
    return _("Montant demandé : %(parts)s.") % {"parts": ", ".join(parts)}


def rules_in_plain_language(call: Call) -> list[str]:
    """The call's rules as French sentences, for the public page and the applicant."""
    rules = [_who_sentence(call)]
    amount = _amount_sentence(call)
    if amount:
        rules.append(amount)
    if call.modalities:
        labels = dict(SupportModality.choices)
        offered = [_lower_first(str(labels[m])) for m in call.modalities if m in labels]
        rules.append(_("Soutien proposé : %(modalities)s.") % {"modalities": ", ".join(offered)})
    if call.envelope is not None:
        rules.append(_("Enveloppe totale de l'appel : %(amount)s.") % {"amount": euros(call.envelope)})
    if call.opens_at > timezone.now():
        rules.append(_("Dépôt à partir du %(when)s (heure de Paris).") % {"when": french_datetime(call.opens_at)})
    rules.append(_("Dépôt jusqu'au %(when)s (heure de Paris).") % {"when": french_datetime(call.closes_at)})
    if call.interim_report_due:
        rules.append(
            _("Rapport intermédiaire à remettre le %(date)s.") % {"date": french_date(call.interim_report_due)}
        )
    if call.final_report_due:
        rules.append(_("Rapport final à remettre le %(date)s.") % {"date": french_date(call.final_report_due)})
    indicators = [f"{i.label} ({i.unit})" if i.unit else i.label for i in call.indicators.all()]
    if indicators:
        rules.append(_("Indicateurs à renseigner dans les rapports : %(list)s.") % {"list": ", ".join(indicators)})
    return rules


# -- public side ----------------------------------------------------------------------------------


def public_call_list(*, organisation) -> list[Call]:
    """Published and closed calls (never a draft), open ones first, each with its orientations and theme labels."""
    now = timezone.now()
    calls = list(
        for_org(Call, organisation)
        .exclude(status=CallStatus.DRAFT)
        .annotate(
            open_rank=Case(
                When(status=CallStatus.PUBLISHED, closes_at__gt=now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_rank", "closes_at", "pk")
    )
    by_number = orientations_by_number(organisation=organisation)
    for call in calls:
        call.public_state = public_state(call, now=now)
        call.targeted_orientations = targeted_orientations(call, by_number)
        call.theme_labels = theme_labels(call)
    return calls


def public_state(call: Call, *, now: datetime.datetime | None = None) -> str:
    """ "open", "upcoming" or "closed", as the public sees it (a published call past its deadline is closed)."""
    now = now or timezone.now()
    if call.status != CallStatus.PUBLISHED or call.closes_at <= now:
        return "closed"
    return "upcoming" if call.opens_at > now else "open"


def public_call_detail(*, organisation, pk) -> dict:
    call = get_for_org_or_404(
        for_org(Call, organisation)
        .exclude(status=CallStatus.DRAFT)
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.select_related("show_if_question")),
            "required_documents",
            "indicators",
        ),
        organisation,
        pk,
    )
    return {
        "call": call,
        "public_state": public_state(call),
        "rules": rules_in_plain_language(call),
        "orientations": targeted_orientations(call),
        "theme_labels": theme_labels(call),
        "criteria": criteria_with_share(call),
        "deadline": french_datetime(call.closes_at),
    }
