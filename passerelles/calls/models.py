"""Calls for projects (action P5.3): from the published call to the grant's final report.

A `Call` states its rules (eligibility, support modalities, questions, scoring grid, reporting obligations); an
`Application` moves through the states of `workflow.py`, each move logged in `ApplicationTransition`; reviewers
declare their conflicts of interest then score (`ReviewAssignment`, `Score`); a `CommitteeSession` decides; an accepted
application gets a `Grant` with its `Instalment`s and `GrantReport`s.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from passerelles.actors.validators import validate_themes
from passerelles.calls.enums import (
    ApplicationStatus,
    BudgetSide,
    CallStatus,
    QuestionKind,
    ReportKind,
    ReportStatus,
    ResourceStatus,
    SupportModality,
)
from passerelles.core import permissions
from passerelles.core.storage import RandomName, private_storage
from passerelles.core.tenancy import OrgOwned

MONEY = {"max_digits": 14, "decimal_places": 2}
SCORE_MAX = 5


def positive(value):
    return MinValueValidator(0)(value)


def _upload_to(instance, filename: str) -> str:
    # Kept for the old migrations; the field now uses core.storage.RandomName("calls").
    return f"calls/{instance.organisation_id}/{uuid.uuid4().hex}"


# -- the call and its rules ----------------------------------------------------------------------------------


class Call(OrgOwned):
    title = models.CharField(_("intitulé"), max_length=255)
    summary = models.CharField(_("en une phrase"), max_length=500, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    orientations = models.JSONField(
        _("orientations visées"), default=list, blank=True, help_text=_("Numéros des orientations de la stratégie.")
    )
    themes = models.JSONField(_("thématiques visées"), default=list, blank=True, validators=[validate_themes])
    # Eligibility rules.
    eligible_kinds = models.JSONField(
        _("structures éligibles"), default=list, blank=True, help_text=_("Vide : tous les types d'acteurs.")
    )
    requires_home_territory = models.BooleanField(_("située sur le territoire"), default=True)
    min_age_years = models.PositiveSmallIntegerField(
        _("ancienneté minimale de la structure (années)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    min_amount = models.DecimalField(
        _("montant minimal demandé (EUR)"), **MONEY, null=True, blank=True, validators=[positive]
    )
    max_amount = models.DecimalField(
        _("montant maximal demandé (EUR)"), **MONEY, null=True, blank=True, validators=[positive]
    )
    max_share_percent = models.DecimalField(
        _("part maximale du budget du projet (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # Support modalities offered (values of SupportModality) and the budget envelope.
    modalities = models.JSONField(_("modalités de soutien"), default=list, blank=True)
    support_details = models.TextField(_("précisions sur le soutien"), blank=True)
    envelope = models.DecimalField(_("enveloppe (EUR)"), **MONEY, null=True, blank=True, validators=[positive])
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    # Reporting obligations.
    interim_report_due = models.DateField(_("rapport intermédiaire attendu le"), null=True, blank=True)
    final_report_due = models.DateField(_("rapport final attendu le"), null=True, blank=True)
    report_content = models.TextField(_("contenu attendu des rapports"), blank=True)
    status = models.CharField(_("état"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_at", "title"]
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CallStatus.values), name="call_status_valid"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="call_closes_after_opening",
                violation_error_message=_("La clôture doit suivre l'ouverture."),
            ),
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True) | Q(max_amount__isnull=True) | Q(max_amount__gte=F("min_amount")),
                name="call_amount_bounds",
                violation_error_message=_("Le montant maximal ne peut pas être inférieur au montant minimal."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RequiredDocument(OrgOwned):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    label = models.CharField(_("pièce"), max_length=255)
    description = models.CharField(_("précisions"), max_length=500, blank=True)
    is_required = models.BooleanField(_("obligatoire"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("pièce demandée")
        verbose_name_plural = _("pièces demandées")

    def __str__(self) -> str:
        return self.label


class Question(OrgOwned):
    """A question built by the officer; shown only when `show_if_question` has the answer `show_if_value`."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("aide"), max_length=500, blank=True)
    kind = models.CharField(_("type de réponse"), max_length=16, choices=QuestionKind.choices)
    is_required = models.BooleanField(_("réponse obligatoire"), default=False)
    choices = models.JSONField(_("choix proposés"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    show_if_question = models.ForeignKey(
        "self",
        verbose_name=_("affichée seulement si la question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependants",
    )
    show_if_value = models.CharField(_("a pour réponse"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"),
            models.CheckConstraint(condition=~Q(show_if_question=F("pk")), name="question_not_its_own_condition"),
        ]

    def __str__(self) -> str:
        return self.label


class Criterion(OrgOwned):
    """A weighted criterion of the call's scoring grid; the adopted strategy's alignment criteria are always in it."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("critère"), max_length=255)
    description = models.TextField(_("précisions"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("pondération"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    alignment_criterion = models.ForeignKey(
        "strategy.AlignmentCriterion",
        verbose_name=_("principe directeur de la stratégie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_criteria",
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("critère de sélection")
        verbose_name_plural = _("critères de sélection")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1) & Q(weight__lte=10), name="call_criterion_weight"),
            models.UniqueConstraint(
                fields=["call", "alignment_criterion"],
                condition=Q(alignment_criterion__isnull=False),
                name="call_criterion_alignment_once",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_alignment(self) -> bool:
        return self.alignment_criterion_id is not None


class ReportIndicator(OrgOwned):
    """An indicator the grantee reports on in its interim and final reports."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField(_("indicateur"), max_length=255)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("indicateur à renseigner")
        verbose_name_plural = _("indicateurs à renseigner")

    def __str__(self) -> str:
        return self.label


class CallTransition(OrgOwned):
    """Published, closed, reopened with a new closing date: who and when."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=CallStatus.choices)
    to_status = models.CharField(max_length=10, choices=CallStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.from_status} -> {self.to_status}"


# -- applications --------------------------------------------------------------------------------------------


class Application(OrgOwned):
    call = models.ForeignKey(Call, on_delete=models.RESTRICT, related_name="applications")
    actor = models.ForeignKey(
        "actors.Actor", verbose_name=_("porteur"), on_delete=models.RESTRICT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte du porteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    reference = models.CharField(_("référence"), max_length=30)
    status = models.CharField(
        _("état"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    title = models.CharField(_("intitulé du projet"), max_length=255, blank=True)
    summary = models.TextField(_("résumé"), blank=True)
    modality = models.CharField(
        _("soutien demandé"), max_length=20, choices=SupportModality.choices, default=SupportModality.COFINANCING
    )
    amount_requested = models.DecimalField(
        _("montant demandé (EUR)"), **MONEY, null=True, blank=True, validators=[positive]
    )
    starts_on = models.DateField(_("début du projet"), null=True, blank=True)
    ends_on = models.DateField(_("fin du projet"), null=True, blank=True)
    # The applicant's own check of the rules, and the officer's, recorded.
    self_check = models.JSONField(_("auto-vérification de l'éligibilité"), default=dict, blank=True)
    eligibility_ok = models.BooleanField(_("éligible"), null=True, blank=True)
    eligibility_note = models.TextField(_("motif de l'avis d'éligibilité"), blank=True)
    eligibility_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    # Submission: frozen copy of what was submitted, and the key that makes a repeated POST harmless.
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    submitted_version = models.JSONField(_("version déposée"), default=dict, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    completion_message = models.TextField(_("demande de compléments"), blank=True)
    completion_due = models.DateField(_("compléments attendus le"), null=True, blank=True)
    # Decision of the committee.
    session = models.ForeignKey(
        "calls.CommitteeSession",
        verbose_name=_("comité"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    decided_amount = models.DecimalField(
        _("montant accordé (EUR)"), **MONEY, null=True, blank=True, validators=[positive]
    )
    decision_motivation = models.TextField(_("motivation de la décision"), blank=True)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["submitted_version", "self_check"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ApplicationStatus.values), name="application_status_valid"),
            models.UniqueConstraint(fields=["organisation", "reference"], name="application_unique_reference"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="application_dates",
                violation_error_message=_("La fin du projet ne peut pas précéder son début."),
            ),
            # A refusal always carries its reason (it is sent to the applicant).
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.REFUSED) | ~Q(decision_motivation=""),
                name="application_refusal_motivated",
                violation_error_message=_("Un refus est toujours motivé."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "call", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title or self.actor}"


class Answer(OrgOwned):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(_("réponse"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="answer_unique")]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.question_id}"


class Attachment(OrgOwned):
    """A file of an application: a required document or the answer to a file question. Checked by content."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        RequiredDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments")
    # Private: a random name, never a URL; downloaded through the applicant's and the instruction's checked views.
    file = models.FileField(_("fichier"), upload_to=RandomName("calls"), storage=private_storage, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self) -> str:
        return self.original_name


class BudgetLine(OrgOwned):
    """The project's budget: expenses on one side, resources (the co-financing plan) on the other; they balance."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    side = models.CharField(_("nature"), max_length=10, choices=BudgetSide.choices)
    label = models.CharField(_("poste"), max_length=255)
    amount = models.DecimalField(_("montant (EUR)"), **MONEY, validators=[positive])
    funder = models.CharField(_("financeur"), max_length=255, blank=True)
    resource_status = models.CharField(_("statut"), max_length=10, choices=ResourceStatus.choices, blank=True)
    is_this_call = models.BooleanField(_("montant demandé à cet appel"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["side", "position", "pk"]
        verbose_name = _("ligne de budget")
        verbose_name_plural = _("lignes de budget")
        constraints = [
            models.CheckConstraint(condition=Q(side__in=BudgetSide.values), name="call_budget_line_side_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="call_budget_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class ApplicationTransition(OrgOwned):
    """Every change of state of an application: from, to, who, when, and the message that went with it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    to_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("changement d'état")
        verbose_name_plural = _("changements d'état")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} -> {self.to_status}"


class Annotation(OrgOwned):
    """A private note of the officers on an application: never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("annotation"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("annotation privée")
        verbose_name_plural = _("annotations privées")

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.created_at:%Y-%m-%d}"


class Message(OrgOwned):
    """The thread between the officers and the applicant (each message is also emailed to the other side)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_applicant = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.created_at:%Y-%m-%d}"


# -- review and decision -------------------------------------------------------------------------------------


class ReviewAssignment(OrgOwned):
    """A reviewer on an application: first the conflict-of-interest declaration, then the scores."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="call_reviews")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    has_conflict = models.BooleanField(_("conflit d'intérêts"), null=True, blank=True)
    conflict_reason = models.TextField(_("nature du conflit"), blank=True)
    declared_at = models.DateTimeField(_("déclaration faite le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("évaluation remise le"), null=True, blank=True)
    general_comment = models.TextField(_("avis général"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["assigned_at", "pk"]
        verbose_name = _("évaluation assignée")
        verbose_name_plural = _("évaluations assignées")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_assignment_unique"),
            # A conflicted reviewer never submits scores.
            models.CheckConstraint(
                condition=~Q(has_conflict=True) | Q(submitted_at__isnull=True), name="review_conflict_no_scores"
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(has_conflict=False), name="review_submitted_after_declaring"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} / {self.reviewer_id}"

    @staticmethod
    def history_hidden_from(user, organisation) -> Q | None:
        """The journal never shows the reviews of an application whose scores `user` may not see."""
        hidden = permissions.applications_with_hidden_scores(user, organisation)
        return Q(application_id__in=hidden) if hidden else None


class Score(OrgOwned):
    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("note"), validators=[MaxValueValidator(SCORE_MAX)])
    comment = models.TextField(_("commentaire"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(score__lte=SCORE_MAX), name="score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.criterion_id}: {self.score}"

    @staticmethod
    def history_hidden_from(user, organisation) -> Q | None:
        """The journal never shows the scores of an application whose scores `user` may not see."""
        hidden = permissions.applications_with_hidden_scores(user, organisation)
        return Q(assignment__application_id__in=hidden) if hidden else None


class CommitteeSession(OrgOwned):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("intitulé"), max_length=255)
    held_on = models.DateField(_("date"))
    notes = models.TextField(_("relevé de décisions"), blank=True)
    is_closed = models.BooleanField(_("séance close"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("comité de sélection")
        verbose_name_plural = _("comités de sélection")

    def __str__(self) -> str:
        return self.title


# -- grants --------------------------------------------------------------------------------------------------


class Grant(OrgOwned):
    application = models.OneToOneField(Application, on_delete=models.RESTRICT, related_name="grant")
    amount = models.DecimalField(_("montant attribué (EUR)"), **MONEY, validators=[positive])
    modality = models.CharField(_("modalité"), max_length=20, choices=SupportModality.choices)
    agreement_number = models.CharField(_("numéro de convention"), max_length=30)
    signed_on = models.DateField(_("convention signée le"), null=True, blank=True)
    project = models.OneToOneField(
        "steering.Project",
        verbose_name=_("projet"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grant",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("subvention")
        verbose_name_plural = _("subventions")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "agreement_number"], name="grant_unique_agreement"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.agreement_number


class Instalment(OrgOwned):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="instalments")
    label = models.CharField(_("versement"), max_length=255)
    due_on = models.DateField(_("prévu le"))
    amount = models.DecimalField(_("montant prévu (EUR)"), **MONEY, validators=[positive])
    paid_on = models.DateField(_("versé le"), null=True, blank=True)
    paid_amount = models.DecimalField(_("montant versé (EUR)"), **MONEY, null=True, blank=True, validators=[positive])
    transaction = models.OneToOneField(
        "steering.Transaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="instalment"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        constraints = [
            models.CheckConstraint(
                condition=(Q(paid_on__isnull=True) & Q(paid_amount__isnull=True))
                | (Q(paid_on__isnull=False) & Q(paid_amount__isnull=False)),
                name="instalment_paid_date_and_amount",
                violation_error_message=_("Un versement effectué a une date et un montant."),
            )
        ]

    def __str__(self) -> str:
        return self.label


class GrantReport(OrgOwned):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("rapport"), max_length=10, choices=ReportKind.choices)
    due_on = models.DateField(_("attendu le"))
    status = models.CharField(_("état"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DUE)
    narrative = models.TextField(_("compte rendu"), blank=True)
    indicator_values = models.JSONField(_("valeurs des indicateurs"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("remis le"), null=True, blank=True)
    review_message = models.TextField(_("observations"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    last_reminder_at = models.DateTimeField(_("dernière relance"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("relances"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("rapport de subvention")
        verbose_name_plural = _("rapports de subvention")
        constraints = [
            models.UniqueConstraint(fields=["grant", "kind"], name="grant_report_unique_kind"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="grant_report_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.grant} — {self.get_kind_display()}"
