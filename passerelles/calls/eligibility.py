"""The eligibility self-check of an application against its call's rules, each failed rule explained in plain French.

`check(call, actor, application)` is pure reading: the applicant sees it before starting and before submitting, and
the submission stores it in `application.self_check`.
"""

import datetime
import zoneinfo
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passerelles.actors.enums import ActorKind, Location, ModerationStatus
from passerelles.calls.enums import ApplicationStatus, BudgetSide, CallStatus, QuestionKind, ResourceStatus

PARIS = zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass
class Result:
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**asdict(self), "checked_at": timezone.now().isoformat()}


# -- helpers shared by the form, the services and the check --------------------------------------------------


def is_blank(value) -> bool:
    return value is None or value == "" or value == []


def condition_met(question, answers: dict) -> bool:
    """Whether `question` is shown, given `answers` (question pk -> value). Conditions chain."""
    seen = set()
    while question.show_if_question_id is not None and question.pk not in seen:
        seen.add(question.pk)
        value = answers.get(question.show_if_question_id)
        expected = question.show_if_value
        if isinstance(value, list):
            if expected not in value:
                return False
        elif is_blank(value) or str(value) != expected:
            return False
        question = question.show_if_question
    return True


def money(value) -> str:
    return formats.number_format(Decimal(value or 0), decimal_pos=2, use_l10n=True, force_grouping=True) + " €"


def paris(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(PARIS)


def deadline_text(value: datetime.datetime) -> str:
    """« 30 janvier 2026 à 12 h 00 (heure de Paris) »."""
    local = paris(value)
    return _("%(date)s à %(hour)s h %(minute)s (heure de Paris)") % {
        "date": formats.date_format(local, "j F Y"),
        "hour": local.hour,
        "minute": f"{local.minute:02}",
    }


def deadline_for(application) -> datetime.datetime:
    """The moment after which the application can no longer be submitted.

    A returned application: the end of its completion day in Paris when the officer set one, else the call's closing.
    """
    if application.status == ApplicationStatus.RETURNED and application.completion_due:
        next_day = application.completion_due + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time.min, tzinfo=PARIS) - datetime.timedelta(seconds=1)
    return application.call.closes_at


def budget_totals(lines) -> dict:
    expenses = sum((line.amount for line in lines if line.side == BudgetSide.EXPENSE), Decimal(0))
    resources = sum((line.amount for line in lines if line.side == BudgetSide.RESOURCE), Decimal(0))
    this_call = [line for line in lines if line.side == BudgetSide.RESOURCE and line.is_this_call]
    this_call_amount = sum((line.amount for line in this_call), Decimal(0))
    share = (this_call_amount * 100 / expenses).quantize(Decimal("0.01")) if expenses else None
    return {
        "expenses": expenses,
        "resources": resources,
        "gap": expenses - resources,
        "balanced": expenses == resources,
        "this_call_lines": len(this_call),
        "this_call_amount": this_call_amount,
        "share_percent": share,
    }


# -- the check -----------------------------------------------------------------------------------------------


def _actor_reasons(call, actor) -> list[str]:
    reasons = []
    if actor.organisation_id != call.organisation_id:
        reasons.append(_("Votre structure n'est pas inscrite dans l'annuaire de la collectivité qui lance l'appel."))
    if actor.moderation_status != ModerationStatus.APPROVED:
        reasons.append(_("Votre fiche dans l'annuaire n'a pas encore été validée par la collectivité."))
    if call.eligible_kinds and actor.kind not in call.eligible_kinds:
        kinds = ", ".join(str(ActorKind(k).label).lower() for k in call.eligible_kinds if k in ActorKind.values)
        reasons.append(
            _("Votre structure est de type « %(kind)s » : l'appel est réservé aux structures suivantes : %(kinds)s.")
            % {"kind": str(actor.get_kind_display()).lower(), "kinds": kinds}
        )
    if call.requires_home_territory and actor.location != Location.HOME:
        reasons.append(
            _("Votre structure est située « %(location)s » : l'appel est réservé aux structures du territoire.")
            % {"location": str(actor.get_location_display()).lower()}
        )
    if call.min_age_years:
        opening_year = paris(call.opens_at).year
        if not actor.founded_year:
            reasons.append(
                ngettext(
                    "L'année de création de votre structure n'est pas renseignée dans l'annuaire : l'appel demande "
                    "au moins %(years)s an d'existence.",
                    "L'année de création de votre structure n'est pas renseignée dans l'annuaire : l'appel demande "
                    "au moins %(years)s ans d'existence.",
                    call.min_age_years,
                )
                % {"years": call.min_age_years}
            )
        elif opening_year - actor.founded_year < call.min_age_years:
            reasons.append(
                ngettext(
                    "Votre structure a été créée en %(year)s : l'appel demande au moins %(years)s an d'existence.",
                    "Votre structure a été créée en %(year)s : l'appel demande au moins %(years)s ans d'existence.",
                    call.min_age_years,
                )
                % {"year": actor.founded_year, "years": call.min_age_years}
            )
    return reasons


def _timing_reasons(call, application, now) -> list[str]:
    reasons = []
    if call.status != CallStatus.PUBLISHED:
        reasons.append(_("L'appel n'est pas ouvert aux candidatures."))
    elif now < call.opens_at:
        reasons.append(
            _("L'appel ouvre le %(when)s : le dépôt n'est pas encore possible.")
            % {"when": deadline_text(call.opens_at)}
        )
    deadline = deadline_for(application) if application is not None else call.closes_at
    if now > deadline:
        reasons.append(_("Le dépôt était possible jusqu'au %(when)s.") % {"when": deadline_text(deadline)})
    return reasons


def _application_reasons(call, application, *, answers, attachments, lines) -> tuple[list[str], list[str]]:
    reasons, warnings = [], []
    if not application.title.strip():
        reasons.append(_("Donnez un intitulé à votre projet."))
    if call.modalities and application.modality not in call.modalities:
        reasons.append(_("Le soutien demandé n'est pas l'une des modalités proposées par l'appel."))
    amount = application.amount_requested
    if amount is None:
        reasons.append(_("Indiquez le montant demandé (0 si vous ne demandez pas de financement)."))
    else:
        if call.min_amount is not None and amount < call.min_amount:
            reasons.append(
                _("Vous demandez %(amount)s : l'appel demande au moins %(min)s.")
                % {"amount": money(amount), "min": money(call.min_amount)}
            )
        if call.max_amount is not None and amount > call.max_amount:
            reasons.append(
                _("Vous demandez %(amount)s : l'appel accorde au plus %(max)s.")
                % {"amount": money(amount), "max": money(call.max_amount)}
            )

    # Questions: required answers of the shown questions.
    answered_files = {a.question_id for a in attachments if a.question_id}
    for question in call.questions.all():
        if not question.is_required or not condition_met(question, answers):
            continue
        if question.kind == QuestionKind.FILE:
            missing = question.pk not in answered_files
        else:
            missing = is_blank(answers.get(question.pk))
        if missing:
            reasons.append(_("Répondez à la question « %(label)s ».") % {"label": question.label})
    provided = {a.document_id for a in attachments if a.document_id}
    for document in call.required_documents.all():
        if document.is_required and document.pk not in provided:
            reasons.append(_("Joignez la pièce « %(label)s ».") % {"label": document.label})

    # The budget and its co-financing plan.
    totals = budget_totals(lines)
    if not lines:
        reasons.append(_("Remplissez le budget du projet (dépenses et ressources)."))
    else:
        if not totals["balanced"]:
            reasons.append(
                _("Le budget n'est pas équilibré : dépenses %(expenses)s, ressources %(resources)s, écart %(gap)s.")
                % {
                    "expenses": money(totals["expenses"]),
                    "resources": money(totals["resources"]),
                    "gap": money(abs(totals["gap"])),
                }
            )
        if amount:
            if totals["this_call_lines"] != 1:
                reasons.append(
                    _("Dans les ressources, marquez une ligne (et une seule) comme « montant demandé à cet appel ».")
                )
            elif totals["this_call_amount"] != amount:
                reasons.append(
                    _(
                        "La ligne « montant demandé à cet appel » du budget (%(line)s) doit être égale au montant "
                        "demandé (%(amount)s)."
                    )
                    % {"line": money(totals["this_call_amount"]), "amount": money(amount)}
                )
        share = totals["share_percent"]
        if call.max_share_percent is not None and share is not None and share > call.max_share_percent:
            reasons.append(
                _(
                    "Le montant demandé représente %(share)s %% du budget du projet : l'appel finance au plus "
                    "%(max)s %%."
                )
                % {
                    "share": formats.number_format(share, decimal_pos=1),
                    "max": formats.number_format(call.max_share_percent, decimal_pos=0),
                }
            )
        if any(
            line.side == BudgetSide.RESOURCE
            and line.resource_status == ResourceStatus.REQUESTED
            and not line.is_this_call
            for line in lines
        ):
            warnings.append(_("Certains cofinancements sont encore demandés, pas acquis : précisez-le dans le résumé."))
    if not application.starts_on or not application.ends_on:
        warnings.append(_("Les dates du projet ne sont pas renseignées."))
    return reasons, warnings


def check(call, actor, application=None, *, now: datetime.datetime | None = None) -> Result:
    """Every rule of `call` applied to `actor` (and to `application` when there is one). Reads only."""
    now = now or timezone.now()
    reasons = _actor_reasons(call, actor)
    warnings: list[str] = []
    if application is not None:
        answers = {a.question_id: a.value for a in application.answers.all()}
        more, warnings = _application_reasons(
            call,
            application,
            answers=answers,
            attachments=list(application.attachments.all()),
            lines=list(application.budget_lines.all()),
        )
        reasons += more
    reasons += _timing_reasons(call, application, now)
    return Result(eligible=not reasons, reasons=reasons, warnings=warnings)
