"""Public pages of the calls: the published and closed calls of an organisation, and each call's rules.

No login. The organisation comes from `public_slug`; a draft call, or another organisation's, answers 404.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
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
