"""Public pages of the calls: the published and closed calls of an organisation, and each call's rules.

No login. The organisation comes from `public_slug`; a draft call, or another organisation's, answers 404.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from passerelles.calls.selectors import calls as selectors
from passerelles.core.models import Organisation


def _organisation(public_slug) -> Organisation:
    return get_object_or_404(Organisation, slug=public_slug)


@login_not_required
@require_GET
def calls(request, public_slug):
    organisation = _organisation(public_slug)
    context = {"public_organisation": organisation, "calls": selectors.public_call_list(organisation=organisation)}
    return render(request, "calls/public/calls.html", context)


@login_not_required
@require_GET
def call_detail(request, public_slug, pk):
    organisation = _organisation(public_slug)
    context = selectors.public_call_detail(organisation=organisation, pk=pk)
    context["public_organisation"] = organisation
    return render(request, "calls/public/call.html", context)


@login_not_required
@require_GET
def apply(request, public_slug, pk):
    """The way in from "Déposer une candidature": a logged-in account goes to the start of its application; a
    visitor logs in (it has an account) or registers its structure with an account (it has none), and comes back."""
    organisation = _organisation(public_slug)
    context = selectors.public_call_detail(organisation=organisation, pk=pk)
    call = context["call"]
    call_url = reverse("public_calls:call", args=[organisation.slug, call.pk])
    if context["public_state"] == "closed":
        return redirect(call_url)
    start_url = reverse("applicant:start", args=[call.pk])
    if request.user.is_authenticated:
        return redirect(start_url)
    context.update(
        {
            "public_organisation": organisation,
            "call_url": call_url,
            "login_url": f"{reverse('core:login')}?{urlencode({'next': start_url})}",
            "register_url": f"{reverse('public_actors:register', args=[organisation.slug])}?"
            + urlencode({"next": call_url}),
        }
    )
    return render(request, "calls/public/apply.html", context)
