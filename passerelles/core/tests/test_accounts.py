import re

import pytest
from django.core import mail
from django.urls import reverse

from passerelles.core.enums import Role
from passerelles.core.models import Membership, User
from passerelles.core.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

PASSWORD = "mot-de-passe-de-test"


# -- login, logout, password reset ---------------------------------------------------------------------


def test_login_page_is_public_and_french(client, db):
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html and "Adresse électronique" in html and "Mot de passe" in html


def test_login_by_email_case_insensitive_and_redirect_to_the_only_organisation(world, client):
    response = client.post(reverse("core:login"), {"username": "OFFICER@alpha.test", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == "/alpha/"
    assert client.get("/alpha/")["Location"] == "/alpha/strategie/"


def test_wrong_password_says_so_without_saying_which(world, client):
    response = client.post(reverse("core:login"), {"username": "officer@alpha.test", "password": "faux"})
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()


def test_login_next_parameter_is_followed_but_not_to_another_site(world, client):
    data = {"username": "officer@alpha.test", "password": PASSWORD}
    response = client.post(
        reverse("core:login") + "?next=/alpha/strategie/plan/", {**data, "next": "/alpha/strategie/plan/"}
    )
    assert response["Location"] == "/alpha/strategie/plan/"
    client.logout()
    response = client.post(reverse("core:login"), {**data, "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:home")


def test_logout_is_a_post(world, client):
    client.force_login(world.members[Role.OFFICER])
    assert client.get(reverse("core:logout")).status_code == 405
    assert client.post(reverse("core:logout")).status_code == 302
    assert client.get("/alpha/strategie/").status_code == 302


def test_password_reset_sends_a_working_link(world, client):
    response = client.post(reverse("core:password_reset"), {"email": "viewer@alpha.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/comptes/mot-de-passe/[^\s]+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "un-nouveau-mot-2026", "new_password2": "un-nouveau-mot-2026"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="viewer@alpha.test").check_password("un-nouveau-mot-2026")


def test_password_reset_for_unknown_email_reveals_nothing(db, client):
    response = client.post(reverse("core:password_reset"), {"email": "personne@nulle.part"})
    assert response.status_code == 302 and not mail.outbox


# -- organisation chooser ------------------------------------------------------------------------------


def test_person_in_two_organisations_chooses_and_switches(world, client):
    user = world.members[Role.VIEWER]
    MembershipFactory(organisation=world.other_org, user=user, role=Role.VIEWER)
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert {o.slug for o in response.context["organisations"]} == {"alpha", "beta"}
    page = client.get("/beta/strategie/").content.decode()
    assert "Changer d&#x27;organisation" in page or "Changer d'organisation" in page
    assert client.get(reverse("core:home"))["Location"] == "/beta/"


def test_person_without_organisation_is_told_so(db, client):
    client.force_login(UserFactory())
    response = client.get(reverse("core:home"))
    assert response.status_code == 200 and "aucune organisation" in response.content.decode()


# -- members: invite, change role, deactivate ------------------------------------------------------


@pytest.fixture
def admin(world, client):
    client.force_login(world.members[Role.ADMIN])
    return client


def test_admin_invites_a_new_person_who_sets_a_password(world, admin, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("core:member_invite", args=["alpha"]),
            {"email": "Nouvel.Agent@Alpha.test", "role": Role.CONTRIBUTOR, "directorate": world.directorate.pk},
        )
    assert response.status_code == 302
    membership = Membership.objects.get(organisation=world.org, user__email="nouvel.agent@alpha.test")
    assert membership.role == Role.CONTRIBUTOR and membership.directorate == world.directorate
    assert len(mail.outbox) == 1 and "Agglomération Alpha" in mail.outbox[0].body
    link = re.search(r"https?://[^/]+(/comptes/mot-de-passe/[^\s]+)", mail.outbox[0].body).group(1)
    client.logout()
    assert client.get(link, follow=True).status_code == 200


def test_inviting_someone_from_another_organisation_adds_a_membership(world, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("core:member_invite", args=["alpha"]), {"email": "admin@beta.test", "role": Role.PARTNER}
        )
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.outsider).count() == 2
    assert "habituel" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "", "role": Role.VIEWER}, "email"),
        ({"email": "pas-une-adresse", "role": Role.VIEWER}, "email"),
        ({"email": "x" * 300 + "@a.fr", "role": Role.VIEWER}, "email"),
        ({"email": "<script>@a.fr", "role": Role.VIEWER}, "email"),
        ({"email": "viewer@alpha.test", "role": Role.VIEWER}, "email"),
        ({"email": "a@a.fr", "role": "superadmin"}, "role"),
        ({"email": "a@a.fr", "role": Role.CONTRIBUTOR}, "directorate"),
        ({"email": "a@a.fr", "role": Role.VIEWER, "display_name": "x" * 10_000}, "display_name"),
    ],
)
def test_bad_invitation_is_refused_on_the_field(world, admin, data, field):
    before = Membership.objects.count(), User.objects.count()
    response = admin.post(reverse("core:member_invite", args=["alpha"]), data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert (Membership.objects.count(), User.objects.count()) == before
    assert not mail.outbox


def test_directorate_of_another_organisation_is_refused(world, admin):
    from passerelles.core.tests.factories import DirectorateFactory

    foreign = DirectorateFactory(organisation=world.other_org)
    data = {"email": "a@a.fr", "role": Role.CONTRIBUTOR, "directorate": foreign.pk}
    response = admin.post(reverse("core:member_invite", args=["alpha"]), data)
    assert response.status_code == 422 and "directorate" in response.context["form"].errors


def test_admin_changes_a_role_and_deactivates(world, admin):
    membership = world.org.memberships.get(user=world.members[Role.VIEWER])
    url = reverse("core:member_edit", args=["alpha", membership.pk])
    assert admin.post(url, {"role": Role.OFFICER, "is_active": "on"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.OFFICER and membership.is_active
    assert admin.post(url, {"role": Role.OFFICER}).status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active


def test_the_header_keeps_the_signed_in_admins_role_on_a_members_page(world, admin):
    """The edited member's role must not replace the admin's own in the page header."""
    membership = world.org.memberships.get(user=world.members[Role.REVIEWER])
    response = admin.get(reverse("core:member_edit", args=["alpha", membership.pk]))
    header = response.content.decode().split('class="site-header__user"', 1)[1].split("</span></span>", 1)[0]
    assert str(Role.ADMIN.label) in header and str(Role.REVIEWER.label) not in header
    assert response.context["member"] == membership


def test_last_admin_cannot_demote_themselves(world, admin):
    membership = world.org.memberships.get(user=world.members[Role.ADMIN])
    url = reverse("core:member_edit", args=["alpha", membership.pk])
    response = admin.post(url, {"role": Role.VIEWER, "is_active": "on"})
    assert response.status_code == 422 and "au moins" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_member_of_another_organisation_cannot_be_edited(world, admin):
    foreign = world.other_org.memberships.get()
    assert admin.get(reverse("core:member_edit", args=["alpha", foreign.pk])).status_code == 404


def test_bad_member_edit(world, admin):
    membership = world.org.memberships.get(user=world.members[Role.VIEWER])
    url = reverse("core:member_edit", args=["alpha", membership.pk])
    response = admin.post(url, {"role": "root", "is_active": "on"})
    assert response.status_code == 422 and "role" in response.context["form"].errors
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_history_of_memberships_is_recorded(world, admin):
    membership = world.org.memberships.get(user=world.members[Role.VIEWER])
    admin.post(reverse("core:member_edit", args=["alpha", membership.pk]), {"role": Role.OFFICER, "is_active": "on"})
    record = membership.history.first()
    assert record.role == Role.OFFICER and record.history_user == world.members[Role.ADMIN]


def test_reserved_slug_is_refused(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        OrganisationFactory.build(slug="comptes", name="x", kind="commune").full_clean()
