"""`{% form_token %}`: the hidden field that makes a creation form idempotent (see `core.idempotency`)."""

from django import template
from django.utils.html import format_html

from passerelles.core.idempotency import FIELD, new_token

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token(user))
