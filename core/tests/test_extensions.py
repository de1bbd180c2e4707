"""Registered detail panels: how a later stage adds itself to an earlier stage's page."""

from core import extensions
from org.models import Department


def department_name(obj, user):
    return {"name": obj.name}


def test_a_panel_shows_with_its_values_and_a_builder_may_leave_it_out(monkeypatch):
    monkeypatch.setattr(extensions, "_detail_panels", extensions.defaultdict(list))
    extensions.register_detail_panel("org.Department", "shown.html", department_name)
    extensions.register_detail_panel("org.department", "hidden.html", lambda obj, user: None)
    extensions.register_detail_panel("org.department", "shown.html", department_name)  # registered once
    panels = extensions.detail_panels(Department(name="服务部"), user=None)
    assert panels == [{"name": "服务部", "template": "shown.html"}]
