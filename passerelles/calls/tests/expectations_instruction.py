"""Permission matrix of the instruction of applications (walked by core/tests/test_permission_matrix.py)."""

from passerelles.core.enums import Role

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.VIEWER})  # can_view_applications
EDITORS = frozenset({Role.ADMIN, Role.OFFICER})  # can_instruct_applications, can_view_annotations


def _application(s):
    from passerelles.calls.tests.factories import ApplicationFactory, CallFactory

    call = CallFactory(organisation=s.world.org)
    return ApplicationFactory(call=call, submitted=True)


def _attachment(s):
    from django.core.files.base import ContentFile

    from passerelles.calls.models import Attachment

    application = _application(s)
    attachment = Attachment(
        organisation=s.world.org,
        application=application,
        original_name="statuts.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
    )
    attachment.file.save("statuts.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return [attachment.pk]


def _assignment(s):
    from passerelles.calls.tests.factories import ReviewAssignmentFactory

    application = _application(s)
    return [ReviewAssignmentFactory(application=application, reviewer=s.world.members[Role.REVIEWER]).pk]


EXPECTED = {
    "calls:applications": ("get", None, READERS, 200),
    "calls:applications_export": ("get", None, READERS, 200),
    "calls:application": ("get", "instruction_application", READERS, 200),
    "calls:application_attachment": ("get", "instruction_attachment", READERS, 200),
    # An empty POST on a submitted application takes it into instruction (no message needed).
    "calls:application_instruct": ("post", "instruction_application", EDITORS, 302),
    # The others need a message (and a due date, or a choice): refused on the field.
    "calls:application_return": ("post", "instruction_application", EDITORS, 422),
    "calls:application_close_without_follow_up": ("post", "instruction_application", EDITORS, 422),
    "calls:application_eligibility": ("post", "instruction_application", EDITORS, 422),
    "calls:application_annotate": ("post", "instruction_application", EDITORS, 422),
    "calls:application_message": ("post", "instruction_application", EDITORS, 422),
    "calls:application_assign": ("post", "instruction_application", EDITORS, 422),
    "calls:assignment_remove": ("post", "instruction_assignment", EDITORS, 302),
}

TARGETS = {
    "instruction_application": lambda s: [_application(s).pk],
    "instruction_attachment": _attachment,
    "instruction_assignment": _assignment,
}
