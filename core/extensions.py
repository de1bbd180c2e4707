"""Extension points: a later stage adds itself to an earlier stage's pages without being imported by it.

An app registers, at start-up (its ``AppConfig.ready()``), a panel for another app's detail page: the
template to include and a builder ``builder(obj, user) -> dict | None`` giving that template's values (None
leaves the panel out, e.g. when the user may not see it). ``ObjectDetailView`` puts the panels for its model
into the context as ``detail_panels``; the detail templates render each with ``{% include panel.template %}``,
its values under ``panel``.
"""

from collections import defaultdict

_detail_panels: dict[str, list[tuple[str, object]]] = defaultdict(list)


def register_detail_panel(model_label: str, template: str, builder) -> None:
    """Show template on the detail page of model_label ("app_label.modelname") with the values builder gives."""
    entry = (template, builder)
    if entry not in _detail_panels[model_label.lower()]:
        _detail_panels[model_label.lower()].append(entry)


def detail_panels(obj, user) -> list[dict]:
    """The registered panels for obj's page, in registration order (app order), each {"template": ..., **values}."""
    panels = []
    for template, builder in _detail_panels.get(obj._meta.label_lower, ()):
        values = builder(obj, user)
        if values is not None:
            panels.append({**values, "template": template})
    return panels
