"""Extension points: a later stage adds itself to an earlier stage's pages without being imported by it.

An app registers, at start-up (its ``AppConfig.ready()``), a panel for another app's detail page: the
template to include and a builder ``builder(obj, user) -> dict | None`` giving that template's values (None
leaves the panel out, e.g. when the user may not see it). ``ObjectDetailView`` puts the panels for its model
into the context as ``detail_panels``; the detail templates render each with ``{% include panel.template %}``,
its values under ``panel``.
"""

from collections import defaultdict
from dataclasses import dataclass

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


# ---- forward actions: the next step of the procedure as a button on the record that enables it ----------
# A later stage registers, per model label, a builder ``builder(obj, user) -> iterable of Action`` (from its
# AppConfig.ready()). The builder yields an action only when the state enables the step and the user may take
# it (core.permissions.allowed); ObjectDetailView shows them as buttons next to the record's own actions.

@dataclass(frozen=True)
class Action:
    label: str
    url: str  # a page (GET): the prefilled form that takes the step
    icon: str = "arrow-right-circle"
    key: str = ""  # a stable id for tests and the page ("open-project")


_actions: dict[str, list] = defaultdict(list)


def register_action(model_label: str, builder) -> None:
    if builder not in _actions[model_label.lower()]:
        _actions[model_label.lower()].append(builder)


def forward_actions(obj, user) -> list[Action]:
    return [action for builder in _actions.get(obj._meta.label_lower, ()) for action in (builder(obj, user) or ())]
