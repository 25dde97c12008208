"""Permission matrix of the reviews (walked by core/tests/test_permission_matrix.py).

An assignment is reached by its reviewer only: the matrix builds one for the member with the reviewer role; every
other member gets 403 (the partner because it cannot review at all, the others because it is not theirs), another
organisation's member 404.
"""

from passerelles.core.enums import Role

REVIEWERS = frozenset(Role.values) - {Role.PARTNER}  # can_review
ASSIGNED = frozenset({Role.REVIEWER})


def _assignment(s):
    from passerelles.calls.tests.factories import ApplicationFactory, CallFactory, ReviewAssignmentFactory

    application = ApplicationFactory(call=CallFactory(organisation=s.world.org), submitted=True)
    return [ReviewAssignmentFactory(application=application, reviewer=s.world.members[Role.REVIEWER]).pk]


def _attachment(s):
    """A file of the submitted version, for the reviewer who declared no conflict."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from passerelles.calls.models import Attachment
    from passerelles.calls.tests.factories import ApplicationFactory, CallFactory, ReviewAssignmentFactory

    application = ApplicationFactory(call=CallFactory(organisation=s.world.org), submitted=True)
    attachment = Attachment(
        organisation=s.world.org,
        application=application,
        original_name="statuts.pdf",
        content_type="application/pdf",
        size=13,
        sha256="1" * 64,
    )
    attachment.file.save("statuts.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    application.submitted_version = {"attachments": [{"name": "statuts.pdf", "sha256": "1" * 64}]}
    application.save()
    assignment = ReviewAssignmentFactory(
        application=application,
        reviewer=s.world.members[Role.REVIEWER],
        has_conflict=False,
        declared_at=timezone.now(),
    )
    return [assignment.pk, attachment.pk]


EXPECTED = {
    "calls:my_reviews": ("get", None, REVIEWERS, 200),
    "calls:review": ("get", "review_assignment", ASSIGNED, 200),
    # An empty declaration is refused on the field.
    "calls:review_declare": ("post", "review_assignment", ASSIGNED, 422),
    # Scoring before declaring is refused.
    "calls:review_score": ("post", "review_assignment", ASSIGNED, 422),
    # A file of the submitted version, once "no conflict" is declared.
    "calls:review_attachment": ("get", "review_attachment", ASSIGNED, 200),
}

TARGETS = {"review_assignment": _assignment, "review_attachment": _attachment}
