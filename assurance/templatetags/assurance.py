from django import template

from assurance import clausemap

register = template.Library()


@register.filter
def procedure_step(sp_id):
    """"4.3.1 Project initiation": a requirement id of the procedure as a person reads it."""
    return clausemap.step_label(sp_id) if sp_id else ""
