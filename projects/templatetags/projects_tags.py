from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def indent_class(depth):
    return f"task-depth-{min(int(depth or 0), 6)}"


@register.filter
def compared_field(name):
    """The label of a field of the baseline comparison (keys are stable JSON names)."""
    from projects.services import compared_label

    return compared_label(name)
