"""The state machine of an application: every legal move, who makes it, and what it needs. One table.

The services in `services/instruction.py` and `services/applications.py` apply a move with `workflow.apply(...)`,
which refuses any move not in this table and logs every accepted one in `ApplicationTransition`.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.calls.enums import ApplicationStatus as S

APPLICANT = "applicant"
OFFICER = "officer"


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    actor: str  # who may make it: the applicant or an officer
    needs_message: bool = False


MOVES: tuple[Move, ...] = (
    Move(S.DRAFT, S.SUBMITTED, APPLICANT),
    Move(S.RETURNED, S.SUBMITTED, APPLICANT),
    Move(S.SUBMITTED, S.IN_INSTRUCTION, OFFICER),
    Move(S.SUBMITTED, S.RETURNED, OFFICER, needs_message=True),
    Move(S.IN_INSTRUCTION, S.RETURNED, OFFICER, needs_message=True),
    Move(S.IN_INSTRUCTION, S.ACCEPTED, OFFICER),
    Move(S.IN_INSTRUCTION, S.REFUSED, OFFICER, needs_message=True),
    Move(S.IN_INSTRUCTION, S.WITHOUT_FOLLOW_UP, OFFICER, needs_message=True),
    # A decision can be taken back into instruction (as in Démarches Simplifiées) until a grant is made.
    Move(S.ACCEPTED, S.IN_INSTRUCTION, OFFICER, needs_message=True),
    Move(S.REFUSED, S.IN_INSTRUCTION, OFFICER, needs_message=True),
    Move(S.WITHOUT_FOLLOW_UP, S.IN_INSTRUCTION, OFFICER, needs_message=True),
    Move(S.DRAFT, S.WITHDRAWN, APPLICANT),
    Move(S.SUBMITTED, S.WITHDRAWN, APPLICANT),
    Move(S.RETURNED, S.WITHDRAWN, APPLICANT),
    Move(S.IN_INSTRUCTION, S.WITHDRAWN, APPLICANT),
)

_BY_PAIR = {(m.source, m.target): m for m in MOVES}

# States the applicant can still edit, and states in which nothing moves any more.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
DECIDED = frozenset({S.ACCEPTED, S.REFUSED, S.WITHOUT_FOLLOW_UP})
FINAL = frozenset({S.WITHDRAWN})


def move_for(source: str, target: str) -> Move | None:
    return _BY_PAIR.get((source, target))


def targets(source: str, actor: str) -> list[str]:
    return [m.target for m in MOVES if m.source == source and m.actor == actor]


def apply(application, target: str, *, actor: str, by, message: str = "") -> None:
    """Move `application` (a row locked by the caller) to `target`, or raise ValidationError. Logs the move.

    The caller saves the application (with its other changed fields) and checks permissions.
    """
    from passerelles.calls.models import ApplicationTransition

    move = move_for(application.status, target)
    if move is None or move.actor != actor:
        raise ValidationError(
            _("Passage impossible de « %(source)s » à « %(target)s ».")
            % {"source": S(application.status).label, "target": S(target).label},
            code="illegal_transition",
        )
    if move.needs_message and not message.strip():
        raise ValidationError({"message": _("Ce changement d'état demande un message.")}, code="message_required")
    ApplicationTransition.objects.create(
        organisation_id=application.organisation_id,
        application=application,
        from_status=application.status,
        to_status=target,
        by=by,
        at=timezone.now(),
        message=message.strip(),
    )
    application.status = target
