from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.core import permissions, registry, selectors, services, throttle
from passerelles.core.audit import audited_models, hidden_from, history_entries
from passerelles.core.audit import journal as journal_entries
from passerelles.core.forms import (
    DirectorateForm,
    EmailAuthenticationForm,
    InviteMemberForm,
    MembershipForm,
    OrganisationForm,
)
from passerelles.core.idempotency import idempotent
from passerelles.core.tenancy import get_for_org_or_404
from passerelles.core.views_helpers import require, safe_next


@require_GET
def home(request):
    """Straight to the organisation for most people; a chooser for those in several."""
    organisations = selectors.user_organisations(user=request.user)
    if not organisations:
        # An account without membership (an actor's, whose space lists its own directory entries) goes where the
        # app that knows it says (core.registry).
        destination = registry.home_without_membership(request.user)
        if destination:
            return redirect(destination)
    last = request.session.get("last_organisation")
    if len(organisations) == 1:
        return redirect("core:organisation_home", org_slug=organisations[0].slug)
    if last and any(o.slug == last for o in organisations) and not request.GET.get("choisir"):
        return redirect("core:organisation_home", org_slug=last)
    return render(request, "core/organisation_chooser.html", {"organisations": organisations})


@require_GET
@require(permissions.can_access_organisation)
def organisation_home(request):
    return redirect("strategy:overview", org_slug=request.organisation.slug)


def _member_list_context(organisation, form) -> dict:
    members = list(selectors.membership_list(organisation=organisation))
    locked = throttle.locked_accounts(emails=[m.user.email.lower() for m in members])
    return {"members": members, "form": form, "locked": locked}


@require_GET
@require(permissions.can_manage_members)
def member_list(request):
    form = InviteMemberForm(organisation=request.organisation)
    return render(
        request,
        "core/member_list.html",
        _member_list_context(request.organisation, form),
    )


@require_POST
@require(permissions.can_manage_members)
@idempotent
def member_invite(request):
    form = InviteMemberForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            membership = services.member_invite(
                organisation=request.organisation,
                invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": membership.user.email})
            return redirect("core:members", org_slug=request.organisation.slug)
    return render(
        request,
        "core/member_list.html",
        _member_list_context(request.organisation, form),
        status=422,
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_manage_members)
def member_edit(request, pk):
    membership = selectors.get_membership_or_404(request.organisation, pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(membership=membership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Membre mis à jour."))
            return redirect("core:members", org_slug=request.organisation.slug)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "member": membership, "lock": throttle.account_lock(email=membership.user.email)}
    return render(request, "core/member_form.html", context, status=status)


@require_POST
@require(permissions.can_manage_members)
def member_unlock(request, pk):
    """Lift the login lockout of a member of this organisation (and of nobody else: the lookup is scoped)."""
    membership = selectors.get_membership_or_404(request.organisation, pk)
    services.account_unlock(membership=membership, by=request.user)
    messages.success(request, _("Le compte %(email)s peut de nouveau se connecter.") % {"email": membership.user.email})
    return redirect("core:member_edit", org_slug=request.organisation.slug, pk=membership.pk)


# -- accounts (public pages opt out of the login requirement explicitly) ----------------------------


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Throttled like the login (`core.throttle`, kind "reset"): per address and per email."""

    def form_valid(self, form):
        from passerelles.core import throttle
        from passerelles.core.client_ip import client_ip
        from passerelles.core.models import LoginFailure

        email = form.cleaned_data["email"]
        ip = client_ip(self.request)
        lock = throttle.login_lock(username=email, ip=ip, kind=LoginFailure.Kind.RESET)
        if lock is not None:
            form.add_error(None, lock.reset_message)
            return self.form_invalid(form)
        throttle.record(username=email, ip=ip, kind=LoginFailure.Kind.RESET)
        return super().form_valid(form)


login_view = login_not_required(LoginView.as_view())
logout_view = auth_views.LogoutView.as_view()
password_reset = login_not_required(
    PasswordResetView.as_view(
        template_name="core/password_reset.html",
        email_template_name="core/emails/password_reset.txt",
        subject_template_name="core/emails/password_reset_subject.txt",
        success_url=reverse_lazy("core:password_reset_done"),
    )
)
password_reset_done = login_not_required(
    auth_views.PasswordResetDoneView.as_view(
        template_name="core/password_reset_done.html",
    )
)
PASSWORD_NEXT_SESSION_KEY = "password_set_next"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a password from an emailed link. A link carrying a safe `?next=` (an actor invited after registering
    from a call for projects) logs the account in and leads to that page once the password is chosen.

    Django redirects the link to a URL without the token (and without the query string): `next` waits in the
    session meanwhile.
    """

    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("core:password_reset_complete")

    def dispatch(self, request, *args, **kwargs):
        next_url = safe_next(request, request.GET.get("next"))
        if next_url:
            request.session[PASSWORD_NEXT_SESSION_KEY] = next_url
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        next_url = safe_next(self.request, self.request.session.pop(PASSWORD_NEXT_SESSION_KEY, ""))
        response = super().form_valid(form)
        if next_url and form.user.is_active:
            auth_login(self.request, form.user)
            return redirect(next_url)
        return response


password_reset_confirm = login_not_required(PasswordResetConfirmView.as_view())
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="core/password_reset_complete.html",
    )
)


@login_not_required
@require_POST
def set_language(request):
    from django.views.i18n import set_language as django_set_language

    return django_set_language(request)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)


@require_GET
@require(permissions.can_view_organisation)
def organisation_detail(request):
    return render(
        request, "core/organisation_detail.html", selectors.organisation_profile(organisation=request.organisation)
    )


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_organisation)
def organisation_edit(request):
    organisation = request.organisation
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(organisation=organisation, by=request.user, **form.cleaned_data)
        messages.success(request, _("Organisation enregistrée."))
        return redirect("core:organisation", org_slug=organisation.slug)
    if request.method == "POST":
        organisation.refresh_from_db()  # the page header must not show the refused values
    status = 422 if request.method == "POST" else 200
    return render(request, "core/organisation_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_organisation)
@idempotent
def directorate_edit(request, pk=None):
    directorate = selectors.get_directorate_or_404(request.organisation, pk) if pk else None
    form = DirectorateForm(request.POST or None, instance=directorate, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        services.directorate_save(
            organisation=request.organisation, by=request.user, directorate=directorate, **form.cleaned_data
        )
        messages.success(request, _("Direction enregistrée."))
        return redirect("core:organisation", org_slug=request.organisation.slug)
    status = 422 if request.method == "POST" else 200
    return render(request, "core/directorate_form.html", {"form": form, "directorate": directorate}, status=status)


@require_GET
@require(permissions.can_view_history)
def journal(request):
    models_by_key = audited_models()
    model_key = request.GET.get("objet") or None
    if model_key and model_key not in models_by_key:
        model_key = None
    choices = sorted(((key, str(m._meta.verbose_name_plural)) for key, m in models_by_key.items()), key=lambda c: c[1])
    return render(
        request,
        "core/journal.html",
        {
            "rows": journal_entries(organisation=request.organisation, model_key=model_key, user=request.user),
            "model_choices": choices,
            "model_key": model_key,
        },
    )


@require_GET
@require(permissions.can_view_history)
def object_history(request, model_key, pk):
    model = audited_models().get(model_key)
    if model is None:
        raise Http404
    if model._meta.label == "core.Organisation":
        if int(pk) != request.organisation.pk:
            raise Http404
        instance = request.organisation
    else:
        instance = get_for_org_or_404(model, request.organisation, pk)
        hidden = hidden_from(model, request.user, request.organisation)
        if hidden is not None and model.objects.filter(pk=instance.pk).filter(hidden).exists():
            raise Http404
    return render(
        request,
        "core/object_history.html",
        {
            "instance": instance,
            "model_name": model._meta.verbose_name,
            "entries": history_entries(instance),
        },
    )
