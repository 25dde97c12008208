"""Every permission rule of the platform, as named predicates.

Views, templates (through the `perms` context) and future API endpoints all ask these functions;
none of them decides access on its own.
"""

from passerelles.core import registry
from passerelles.core.enums import Role

STAFF_EDITORS = frozenset({Role.ADMIN, Role.OFFICER})
ALL_ROLES = frozenset(Role.values)


def get_membership(user, organisation):
    """The active membership of `user` in `organisation`, or None. Cached on the user object."""
    if user is None or not user.is_authenticated or organisation is None:
        return None
    cache = user.__dict__.setdefault("_membership_cache", {})
    if organisation.pk not in cache:
        from passerelles.core.models import Membership

        cache[organisation.pk] = (
            Membership.objects.filter(organisation=organisation, user=user, is_active=True)
            .select_related("directorate")
            .first()
        )
    return cache[organisation.pk]


def role_of(user, organisation) -> str | None:
    membership = get_membership(user, organisation)
    return membership.role if membership else None


# -- organisation ---------------------------------------------------------------------------------


def can_access_organisation(user, organisation) -> bool:
    return get_membership(user, organisation) is not None


def can_manage_members(user, organisation) -> bool:
    return role_of(user, organisation) == Role.ADMIN


def can_view_history(user, organisation) -> bool:
    return role_of(user, organisation) == Role.ADMIN


# -- strategy -------------------------------------------------------------------------------------


def can_view_strategy(user, organisation) -> bool:
    # Partner authorities take part in the strategy's appropriation (action P1.3): they read it too.
    return role_of(user, organisation) in ALL_ROLES


def can_edit_strategy(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_manage_strategy_versions(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_export_plan(user, organisation) -> bool:
    return role_of(user, organisation) in {Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER}


def can_follow_up_action(user, action) -> bool:
    """Change the status of an action and write progress notes on it."""
    membership = get_membership(user, action.organisation)
    if membership is None or action.document.is_archived:
        return False
    if membership.role in STAFF_EDITORS:
        return True
    # An agent of another directorate follows up the actions their directorate leads.
    return (
        membership.role == Role.CONTRIBUTOR
        and membership.directorate_id is not None
        and membership.directorate_id == action.lead_directorate_id
    )


def can_edit_action(user, action) -> bool:
    return can_edit_strategy(user, action.organisation) and not action.document.is_archived


def can_view_organisation(user, organisation) -> bool:
    return get_membership(user, organisation) is not None


def can_edit_organisation(user, organisation) -> bool:
    return role_of(user, organisation) == Role.ADMIN


# -- steering: programmes, projects, results, finance, reviews, monitoring ---------------------------------

STEERING_READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})


def can_view_steering(user, organisation) -> bool:
    """Portfolio-wide pages (dashboard, programmes, annual plans, finance, missions). Partners see projects only."""
    return role_of(user, organisation) in STEERING_READERS


def can_view_projects(user, organisation) -> bool:
    return role_of(user, organisation) in STEERING_READERS | {Role.PARTNER}


def can_edit_steering(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def _co_carries(membership, project) -> bool:
    return membership.directorate_id is not None and any(
        link.directorate_id == membership.directorate_id for link in project.directorates.all()
    )


def _is_party(membership, project) -> bool:
    return membership.partner_territory_id is not None and any(
        t.pk == membership.partner_territory_id for t in project.partner_territories.all()
    )


def can_view_project(user, project) -> bool:
    membership = get_membership(user, project.organisation)
    if membership is None:
        return False
    if membership.role in STEERING_READERS:
        return True
    # A partner authority sees the projects led on its own territory, and nothing else.
    return membership.role == Role.PARTNER and _is_party(membership, project)


def can_edit_project(user, project) -> bool:
    membership = get_membership(user, project.organisation)
    if membership is None:
        return False
    if membership.role in STAFF_EDITORS:
        return True
    return membership.role == Role.CONTRIBUTOR and _co_carries(membership, project)


def can_enter_results(user, project) -> bool:
    """Enter target and actual values (and submit them): the partner for its projects, staff and co-carriers."""
    membership = get_membership(user, project.organisation)
    if membership is None:
        return False
    if membership.role == Role.PARTNER:
        return _is_party(membership, project)
    return can_edit_project(user, project)


def can_approve_results(user, project) -> bool:
    return role_of(user, project.organisation) in STAFF_EDITORS


def can_edit_finance(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_review_alignment(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


# -- territory actors -------------------------------------------------------------------------------------

ACTOR_READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})


def can_view_actors(user, organisation) -> bool:
    return role_of(user, organisation) in ACTOR_READERS


def can_edit_actors(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_moderate_actors(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_see_actor_contacts(user, organisation) -> bool:
    """Contact fields are personal data: only the staff who work with the actors see them."""
    return role_of(user, organisation) in {Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR}


def can_manage_data_requests(user, organisation) -> bool:
    """See the register of the actors' export and erasure requests (RGPD)."""
    return role_of(user, organisation) in STAFF_EDITORS


def can_invite_actor_account(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_edit_own_actor(user, actor) -> bool:
    """An actor's account keeps its own directory entry up to date (no membership needed)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and actor.account_id is not None
        and actor.account_id == user.pk
        and actor.moderation_status != "rejected"
    )


# -- census campaigns (P5.1, P5.2), networks (P3.7), watch (P3.8) -------------------------------------------


def can_view_census(user, organisation) -> bool:
    return role_of(user, organisation) in ACTOR_READERS


def can_edit_census(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_view_networks(user, organisation) -> bool:
    return role_of(user, organisation) in ACTOR_READERS


def can_edit_networks(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_view_watch(user, organisation) -> bool:
    # The watch is written for the directorates and the elected officials: every reader of the actors sees it.
    return role_of(user, organisation) in ACTOR_READERS


def can_edit_watch(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_manage_watch_subscriptions(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


# -- calls for projects (P5.3) ------------------------------------------------------------------------------

CALL_READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})
APPLICATION_READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.VIEWER})


def can_view_calls(user, organisation) -> bool:
    return role_of(user, organisation) in CALL_READERS


def can_edit_calls(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_view_applications(user, organisation) -> bool:
    """The applications, their answers, scores summary and decisions: staff and elected officials."""
    return role_of(user, organisation) in APPLICATION_READERS


def can_instruct_applications(user, organisation) -> bool:
    """Move applications through instruction, annotate, write to applicants, assign reviewers."""
    return role_of(user, organisation) in STAFF_EDITORS


def can_view_annotations(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_review(user, organisation) -> bool:
    """Has a "my reviews" page: any active member can be assigned; the reviewer role is made for it."""
    return get_membership(user, organisation) is not None and role_of(user, organisation) != Role.PARTNER


def can_score_assignment(user, assignment) -> bool:
    return (
        assignment.reviewer_id == getattr(user, "pk", None)
        and get_membership(user, assignment.organisation) is not None
        and assignment.has_conflict is not True
        and assignment.submitted_at is None
    )


def can_read_application_as_reviewer(user, assignment) -> bool:
    """Read what one scores: the submitted version, its budget and its attachments, read only.

    Only the assignment's own reviewer, once he has declared that he has no conflict of interest: before the
    declaration he sees the title and the applicant's name (what he needs to declare), a conflicted reviewer
    nothing more. Never the private annotations, the message thread or the live (editable) application.
    """
    return (
        assignment.reviewer_id == getattr(user, "pk", None)
        and can_review(user, assignment.organisation)
        and assignment.has_conflict is False
    )


# Why the scores of an application are hidden from a user (see can_see_scores).
SCORES_HIDDEN_CONFLICT = "conflict"
SCORES_HIDDEN_PENDING = "pending"
REVIEW_SUBMITTED = "submitted"


def own_review_states(user, organisation) -> dict[int, str]:
    """application id -> the state of `user`'s own review of it in `organisation`, for every application he is
    assigned to: "conflict" (declared), "pending" (not submitted yet) or "submitted". One query.

    Lists compute it once and hand it to `can_see_scores` for each row.
    """
    if user is None or not user.is_authenticated or organisation is None:
        return {}
    # The reviews are the calls app's rows: it hands them over through core.registry (core imports no domain app).
    rows = registry.review_rows(user=user, organisation=organisation)
    states = {}
    for application_id, has_conflict, submitted_at in rows:
        if has_conflict:
            states[application_id] = SCORES_HIDDEN_CONFLICT
        elif submitted_at is None:
            states[application_id] = SCORES_HIDDEN_PENDING
        else:
            states[application_id] = REVIEW_SUBMITTED
    return states


def applications_with_hidden_scores(user, organisation) -> set[int]:
    """The applications whose scores `user`'s own reviews hide from him (a conflict, or not submitted yet)."""
    return {pk for pk, state in own_review_states(user, organisation).items() if state != REVIEW_SUBMITTED}


def scores_hidden_reason(user, application, *, review_states: dict[int, str] | None = None) -> str:
    """"conflict" or "pending" when `user`'s own review hides the application's scores from him, else ""."""
    if review_states is None:
        review_states = own_review_states(user, application.organisation)
    state = review_states.get(application.pk, "")
    return state if state in (SCORES_HIDDEN_CONFLICT, SCORES_HIDDEN_PENDING) else ""


def can_see_scores(user, application, *, review_states: dict[int, str] | None = None) -> bool:
    """The scores of an application (summary, means, spread, ranking score, export columns).

    The one rule every page and export asks: a reader of the applications, or the application's reviewer once he
    has submitted his own review; never a reviewer who declared a conflict of interest on it, nor one who has
    not submitted yet (he sees the others' scores only after his own), whatever other role he holds.
    `review_states` (from `own_review_states`) spares a query per row in lists.
    """
    membership = get_membership(user, application.organisation)
    if membership is None:
        return False
    if review_states is None:
        review_states = own_review_states(user, application.organisation)
    if scores_hidden_reason(user, application, review_states=review_states):
        return False
    return membership.role in APPLICATION_READERS or review_states.get(application.pk) == REVIEW_SUBMITTED


def can_manage_committee(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_manage_grants(user, organisation) -> bool:
    return role_of(user, organisation) in STAFF_EDITORS


def can_view_grants(user, organisation) -> bool:
    return role_of(user, organisation) in APPLICATION_READERS


def can_edit_application(user, application) -> bool:
    """The applicant side: the account that keeps the applying actor's entry (or that started the application)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return application.applicant_id == user.pk or application.actor.account_id == user.pk
