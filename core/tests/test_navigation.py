"""Menus show what the role uses: the header holds the pages a role uses day to day (declared with each
entry); every other page the user may open stays reachable under "More"."""

import pytest

from core.navigation import STAGES, menu_for
from core.roles import is_outside

pytestmark = pytest.mark.django_db


def urls(sections):
    return {url for _stage, entries in sections for _label, url in entries}


def test_every_entry_names_the_roles_that_use_it():
    for stage in STAGES:
        for _label, url_name, _model, roles in stage.items:
            assert roles, f"{url_name} declares no daily roles"


def test_each_role_gets_a_short_header_and_loses_nothing(demo):
    for name, user in demo.items():
        daily, more = menu_for(user)
        assert not urls(daily) & urls(more), name
        if is_outside(user):  # a customer contact's menu is their own view, whole: nothing under "More"
            assert urls(daily) == {"/portal/", "/notifications/"} and not more, name
            continue
        assert len(urls(daily)) < len(urls(daily) | urls(more)) / 2, name  # the header is the smaller part
    pm_daily, pm_more = menu_for(demo["pm"])
    assert "/projects/workplan/" in urls(pm_daily) and "/reporting/monthlyservicereport/" in urls(pm_daily)
    assert "/contracts/contract/" in urls(pm_more)  # still reachable
    sales_daily, _more = menu_for(demo["sales"])
    assert {stage.code for stage, _entries in sales_daily} == {"presales", "contract"}


def test_the_header_renders_the_daily_menu_and_more(client_for):
    page = client_for("sales").get("/").content.decode()
    header = page.split('id="mainnav"')[1].split('id="nav-more"')[0]
    assert "/presales/presalesproposal/" in header and "/projects/workplan/" not in header
    more = page.split('id="nav-more"')[1].split("</ul>")[0]
    assert "/projects/workplan/" in more
