"""The calls' blocks of the actor space: `{% load calls_space %}{% applicant_blocks %}` (the actors app does not
import the calls app; its template asks for these blocks)."""

from django import template

from passerelles.calls.selectors.applications import applicant_summary

register = template.Library()


@register.inclusion_tag("calls/applications/includes/_space_blocks.html", takes_context=True)
def applicant_blocks(context):
    return applicant_summary(user=context["request"].user)
