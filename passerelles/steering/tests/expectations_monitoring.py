"""Permission matrix of missions, evaluations, follow-ups and lessons (walked by core/tests/test_permission_matrix.py).

Partner authorities and reviewers have no access to these portfolio-wide pages.
"""

import datetime

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})


def _mission(s):
    from passerelles.steering.models import MonitoringMission

    return MonitoringMission.objects.get_or_create(
        organisation=s.world.org,
        territory=s.kayes,
        start=datetime.date(2012, 3, 1),
        defaults={"end": datetime.date(2012, 3, 10), "purpose": "Suivi du projet"},
    )[0]


def _evaluation(s):
    from django.core.files.base import ContentFile

    from passerelles.steering.enums import EvaluationKind
    from passerelles.steering.models import Evaluation

    evaluation, created = Evaluation.objects.get_or_create(
        organisation=s.world.org,
        title="Évaluation du programme 2010-2012",
        defaults={"kind": EvaluationKind.EXTERNAL, "programme": s.programme, "evaluator": "F3E"},
    )
    if created:
        evaluation.document.save("rapport.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return evaluation


def _follow_up(s):
    from passerelles.steering.models import FollowUp

    return FollowUp.objects.get_or_create(organisation=s.world.org, mission=_mission(s), text="Relancer")[0]


EXPECTED = {
    "steering:missions": ("get", None, READERS, 200),
    "steering:missions_export": ("get", None, READERS, 200),
    "steering:mission_create": ("post", None, EDITORS, 422),
    "steering:mission": ("get", "mission", READERS, 200),
    "steering:mission_edit": ("get", "mission", EDITORS, 200),
    "steering:mission_follow_up_create": ("post", "mission", EDITORS, 422),
    "steering:follow_up_status": ("post", "follow_up", EDITORS, 302),
    "steering:evaluations": ("get", None, READERS, 200),
    "steering:evaluations_export": ("get", None, READERS, 200),
    "steering:evaluation_create": ("post", None, EDITORS, 422),
    "steering:evaluation": ("get", "evaluation", READERS, 200),
    "steering:evaluation_edit": ("get", "evaluation", EDITORS, 200),
    "steering:evaluation_report": ("get", "evaluation", READERS, 200),
    "steering:evaluation_follow_up_create": ("post", "evaluation", EDITORS, 422),
    "steering:lessons": ("get", None, READERS, 200),
    "steering:lessons_export": ("get", None, READERS, 200),
    "steering:lesson_create": ("post", None, EDITORS, 422),
}

TARGETS = {
    "mission": lambda s: [_mission(s).pk],
    "evaluation": lambda s: [_evaluation(s).pk],
    "follow_up": lambda s: [_follow_up(s).pk],
}
