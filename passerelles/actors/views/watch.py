"""The watch on networks (P3.8): items, subscriptions and the digest preview in the back office; at the end, the
public one-click unsubscribe. Thin views over `selectors.watch` and `services.watch`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passerelles.actors.forms.watch import (
    SubscriptionFilterForm,
    WatchFilterForm,
    WatchItemForm,
    WatchSubscriptionForm,
)
from passerelles.actors.models import WatchSubscription
from passerelles.actors.selectors import watch as selectors
from passerelles.actors.services import watch as services
from passerelles.core import permissions
from passerelles.core.exports import table_response
from passerelles.core.idempotency import idempotent
from passerelles.core.views_helpers import (
    apply_errors,
    export_delimiter,
    export_format,
    paginate,
    querystring_without,
    require,
)


def _org_url(request, name, *args):
    return reverse(name, args=[request.organisation.slug, *args])


def _filtered(request):
    form = WatchFilterForm(request.GET or None, organisation=request.organisation)
    return form, selectors.item_list(organisation=request.organisation, **form.selector_kwargs())


# -- items ------------------------------------------------------------------------------------------


@require_GET
@require(permissions.can_view_watch)
def items(request):
    form, queryset = _filtered(request)
    page = paginate(request, queryset)
    orientations = selectors.orientation_labels(organisation=request.organisation)
    context = {
        "filter_form": form,
        "page": page,
        "entries": selectors.label_tags(page.object_list, orientations=orientations),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
        "can_edit": permissions.can_edit_watch(request.user, request.organisation),
        "can_manage_subscriptions": permissions.can_manage_watch_subscriptions(request.user, request.organisation),
    }
    template = "actors/watch/includes/_item_results.html" if request.htmx else "actors/watch/items.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_view_watch)
def items_export(request):
    fmt = export_format(request)
    _form, queryset = _filtered(request)
    return table_response(
        fmt=fmt,
        filename=f"veille-{request.organisation.slug}",
        header=selectors.export_header(),
        rows=selectors.export_rows(
            queryset, orientations=selectors.orientation_labels(organisation=request.organisation)
        ),
        title=_("Veille des réseaux"),
        delimiter=export_delimiter(request),
    )


def _item_form_view(request, item=None):
    form = WatchItemForm(request.POST or None, instance=item, organisation=request.organisation)
    context = {"form": form, "item": item}
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if item is None:
                    services.item_create(organisation=request.organisation, user=request.user, **data)
                else:
                    services.item_update(item=item, user=request.user, **data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Information de veille enregistrée."))
                return redirect(_org_url(request, "actors:watch"))
        return render(request, "actors/watch/item_form.html", context, status=422)
    return render(request, "actors/watch/item_form.html", context)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_watch)
@idempotent
def item_create(request):
    return _item_form_view(request)


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_watch)
def item_edit(request, pk):
    return _item_form_view(request, selectors.get_item_or_404(request.organisation, pk))


@require_http_methods(["GET", "POST"])
@require(permissions.can_edit_watch)
def item_delete(request, pk):
    item = selectors.get_item_or_404(request.organisation, pk)
    if request.method == "POST":
        services.item_delete(item=item, user=request.user)
        messages.success(request, _("« %(title)s » a été supprimée de la veille.") % {"title": item.title})
        return redirect(_org_url(request, "actors:watch"))
    return render(request, "actors/watch/item_delete.html", {"item": item})


# -- subscriptions ----------------------------------------------------------------------------------


@require_GET
@require(permissions.can_manage_watch_subscriptions)
def subscriptions(request):
    form, queryset = _filtered_subscriptions(request)
    page = paginate(request, queryset)
    orientations = selectors.orientation_labels(organisation=request.organisation)
    context = {
        "filter_form": form,
        "page": page,
        "entries": selectors.label_tags(page.object_list, orientations=orientations),
        "querystring": querystring_without(request, "page"),
        "export_querystring": querystring_without(request, "page", "format", "sep"),
    }
    template = "actors/watch/includes/_subscription_results.html" if request.htmx else "actors/watch/subscriptions.html"
    return render(request, template, context)


@require_GET
@require(permissions.can_manage_watch_subscriptions)
def subscriptions_export(request):
    fmt = export_format(request)
    return table_response(
        fmt=fmt,
        filename=f"abonnements-veille-{request.organisation.slug}",
        header=selectors.subscriptions_header(),
        rows=selectors.subscriptions_rows(
            _filtered_subscriptions(request)[1],
            orientations=selectors.orientation_labels(organisation=request.organisation),
        ),
        title=_("Abonnements à la veille"),
        delimiter=export_delimiter(request),
    )


def _filtered_subscriptions(request):
    form = SubscriptionFilterForm(request.GET or None, organisation=request.organisation)
    return form, selectors.subscription_list(organisation=request.organisation, **form.selector_kwargs())


def _subscription_form_view(request, subscription=None):
    form = WatchSubscriptionForm(request.POST or None, instance=subscription, organisation=request.organisation)
    context = {"form": form, "subscription": subscription}
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if subscription is None:
                    services.subscription_create(organisation=request.organisation, user=request.user, **data)
                else:
                    services.subscription_update(subscription=subscription, user=request.user, **data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Abonnement enregistré."))
                return redirect(_org_url(request, "actors:watch_subscriptions"))
        return render(request, "actors/watch/subscription_form.html", context, status=422)
    return render(request, "actors/watch/subscription_form.html", context)


@require_http_methods(["GET", "POST"])
@require(permissions.can_manage_watch_subscriptions)
@idempotent
def subscription_create(request):
    return _subscription_form_view(request)


@require_http_methods(["GET", "POST"])
@require(permissions.can_manage_watch_subscriptions)
def subscription_edit(request, pk):
    return _subscription_form_view(request, selectors.get_subscription_or_404(request.organisation, pk))


@require_POST
@require(permissions.can_manage_watch_subscriptions)
def subscription_toggle(request, pk):
    subscription = selectors.get_subscription_or_404(request.organisation, pk)
    active = not subscription.is_active
    subscription = services.subscription_set_active(subscription=subscription, user=request.user, active=active)
    if subscription.is_active:
        messages.success(request, _("« %(label)s » reçoit de nouveau la veille.") % {"label": subscription.label})
    else:
        messages.success(request, _("« %(label)s » ne reçoit plus la veille.") % {"label": subscription.label})
    return redirect(_org_url(request, "actors:watch_subscriptions"))


@require_GET
@require(permissions.can_manage_watch_subscriptions)
def subscription_preview(request, pk):
    subscription = selectors.get_subscription_or_404(request.organisation, pk)
    digest = selectors.preview(subscription=subscription)
    _subject, text, _html = services.render_digest(digest)
    context = {**services.digest_context(digest), "text": text}
    return render(request, "actors/watch/subscription_preview.html", context)


# -- public: one-click unsubscribe from the digest ----------------------------------------------------------------
# No login, the link's random token identifies one subscription. GET only shows the page (link scanners follow
# links); POST changes this one subscription. The RFC 8058 one-click POST that mail clients send carries no CSRF
# token, hence `csrf_exempt`: the 43-character token is the secret.

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
