"""How core/partials/form_fields.html lays out any form: its sections and its error summary (core.forms)."""

from django import template

from ..forms import error_summary, field_sections

register = template.Library()


@register.simple_tag
def form_layout(form):
    return {"summary": error_summary(form), "sections": field_sections(form),
            "fieldsets": bool(getattr(form, "fieldsets", ()))}
