from django.shortcuts import render
from django.views.decorators.http import require_GET

from passerelles.core import permissions
from passerelles.core.views_helpers import querystring_without, require
from passerelles.steering.forms.dashboard import DashboardFilterForm
from passerelles.steering.selectors.dashboard import steering_dashboard
from passerelles.strategy.selectors import current_document


@require_GET
@require(permissions.can_view_steering)
def dashboard(request):
    organisation = request.organisation
    form = DashboardFilterForm(
        request.GET or None, organisation=organisation, document=current_document(organisation=organisation)
    )
    filters = form.filters()
    context = {
        "filter_form": form,
        "filters": filters,
        "dashboard": steering_dashboard(organisation=organisation, user=request.user, **filters),
        "querystring": querystring_without(request, "page"),
    }
    return render(request, "steering/dashboard/dashboard.html", context)
