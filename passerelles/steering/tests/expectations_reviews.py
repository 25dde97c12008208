"""Permission matrix of alignment reviews (walked by core/tests/test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})
# The partner member is party to `s.project` (Kayes): it reads its reviews.
PROJECT_READERS = READERS | {Role.PARTNER}


def _open_assessment(s):
    """A review of `s.project` with an adaptation still open."""
    from passerelles.steering.enums import Rating
    from passerelles.steering.models import AlignmentReview, CriterionAssessment

    review = AlignmentReview.objects.create(
        organisation=s.world.org, project=s.project, document=s.world.document, reviewer=s.world.members[Role.ADMIN]
    )
    return CriterionAssessment.objects.create(
        organisation=s.world.org,
        review=review,
        criterion=s.world.document.criteria.get(),
        rating=Rating.PARTLY,
        adaptation_required=True,
        adaptation="Associer la direction de la culture",
    )


EXPECTED = {
    "steering:project_reviews": ("get", "reviewed_project", PROJECT_READERS, 200),
    "steering:project_review_create": ("post", "reviewed_project", EDITORS, 422),
    "steering:adaptation_done": ("post", "open_adaptation", EDITORS, 302),
    "steering:alignment": ("get", None, READERS, 200),
    "steering:alignment_export": ("get", None, READERS, 200),
}

TARGETS = {
    "reviewed_project": lambda s: [s.project.pk],
    "open_adaptation": lambda s: [s.project.pk, _open_assessment(s).pk],
}
