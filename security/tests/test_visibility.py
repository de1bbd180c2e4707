"""Who sees an information security incident (SP-4.5.5), generated over every role of core.roles.Role, plus a person
explicitly added to the incident and the PM of another project: exactly the Technical Service Division director,
the Service Department manager, the PM of a project on the incident's contract, the auditor and the people added
see it, on every path: the list and detail pages, the export, the API list and detail, the record register (page
and API) and the audit trail."""

import pytest

from core.roles import Role
from core.tests.test_record_types import ROLE_USER
from org.models import RoleAssignment, User
from projects.models import Project

from .helpers import mark

pytestmark = pytest.mark.django_db

# The external auditor: the demo external audit samples the incident's contract (assurance.demo).
SEE = {Role.TSD_DIRECTOR, Role.SERVICE_MANAGER, Role.PROJECT_MANAGER, Role.AUDITOR, Role.EXTERNAL_AUDITOR}
CASES = [pytest.param(role, role in SEE, id=role) for role in Role.values] + [
    pytest.param("added", True, id="explicitly-added"), pytest.param("other_pm", False, id="pm-of-another-project")]


def test_every_role_is_covered():
    assert set(ROLE_USER) == set(Role.values)


@pytest.fixture
def incident(demo):
    """Marked by the Service Department manager on the 温州水务 contract, whose project the demo PM manages."""
    return mark(demo["svc_manager"])


def reader(who, demo, incident):
    if who == "added":
        person = User.objects.create_user("added_reader", password="x", department=demo["svc_staff"].department)
        RoleAssignment.objects.create(user=person, role=Role.SERVICE_STAFF)
        incident.members.add(person)
        return person
    if who == "other_pm":
        person = User.objects.create_user("other_pm", password="x", department=demo["pm"].department)
        RoleAssignment.objects.create(user=person, role=Role.PROJECT_MANAGER)
        other = Project.objects.exclude(contract__number=incident.contract.number).order_by("pk").first()
        Project.objects.filter(pk=other.pk).update(manager=person)
        return person
    return demo[ROLE_USER[who]]


@pytest.mark.parametrize(("who", "sees"), CASES)
def test_exactly_the_allowed_see_an_incident(who, sees, demo, incident, client):
    client.force_login(reader(who, demo, incident))
    number, pk = incident.number, incident.pk
    pages = {"detail": f"/security/securityincident/{pk}/",
             "export": f"/security/securityincident/{pk}/export/?format=docx",
             "api detail": f"/api/security/incidents/{pk}/",
             "api timeline": f"/api/security/incidents/{pk}/timeline/"}
    for what, url in pages.items():
        status = client.get(url).status_code
        if sees:
            assert status == 200, (who, what, status)
        else:
            assert status in (403, 404), (who, what, status)
    lists = {"list": "/security/securityincident/", "api list": "/api/security/incidents/",
             # The pages unfiltered (a filter would echo the number in its search box); newest first, so it is there.
             "register": "/register/", "api register": f"/api/register/?q={number}",
             "api audit": f"/api/audit/?q={number}", "audit": "/audit/"}
    for what, url in lists.items():
        response = client.get(url)
        listed = response.status_code == 200 and number in response.content.decode()
        if what.endswith("audit") and sees and response.status_code != 200:
            continue  # the audit trail is not every reader's page; where it is, the incident's entries follow
        assert listed == sees, (who, what, response.status_code)


def test_the_ticket_and_contract_panels_show_it_only_to_those_who_see_it(demo, incident, client_for):
    ticket = incident.tickets.get()
    for username, sees in (("tsd_director", True), ("svc_staff", False), ("gm", False), ("pm", True)):
        for url in (ticket.get_absolute_url(), incident.contract.get_absolute_url()):
            page = client_for(username).get(url).content.decode()
            assert (incident.number in page) == sees, (username, url)
