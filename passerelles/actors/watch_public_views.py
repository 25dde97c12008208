"""One-click unsubscribe from the watch digest: no login, the link's random token identifies one subscription.

GET only shows the page (link scanners follow links); POST changes this one subscription. The RFC 8058 one-click
POST that mail clients send carries no CSRF token, hence `csrf_exempt`: the 43-character token is the secret.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from passerelles.actors import watch_services as services
from passerelles.actors.models import WatchSubscription

RESUBSCRIBE = "resubscribe"


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscription = get_object_or_404(WatchSubscription.objects.select_related("organisation"), token=token)
    changed = None
    if request.method == "POST":
        if request.POST.get("action") == RESUBSCRIBE:
            subscription = services.resubscribe(subscription=subscription)
            changed = "resubscribed"
        else:
            subscription = services.unsubscribe(subscription=subscription)
            changed = "unsubscribed"
    context = {
        "subscription_label": subscription.label,
        "organisation_name": subscription.organisation.name,
        "is_active": subscription.is_active,
        "changed": changed,
        "resubscribe": RESUBSCRIBE,
    }
    response = render(request, "actors/watch/public/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
