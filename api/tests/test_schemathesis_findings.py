"""What the schemathesis run found, each pinned where it was fixed (a server error or an undocumented answer)."""

import pytest


@pytest.fixture
def contract_id():
    from contracts.models import Contract

    return Contract.objects.order_by("pk").values_list("pk", flat=True).first()


@pytest.mark.parametrize("params, field", [({"months": "AAA"}, "months"), ({"months": "0"}, "months"),
                                           ({"service": "x"}, "service"), ({"service": "0.5"}, "service")])
def test_sla_trend_refuses_a_parameter_that_is_not_a_whole_number(client_for, contract_id, params, field):
    response = client_for("admin").get(f"/api/servicedata/sla/{contract_id}/trend/", params)
    assert response.status_code == 400 and field in response.json()


def test_sla_figures_refuse_a_service_that_is_not_a_number(client_for, contract_id):
    response = client_for("admin").get(f"/api/servicedata/sla/{contract_id}/", {"service": "AAA"})
    assert response.status_code == 400 and "service" in response.json()


def test_sla_trend_still_answers_the_months_asked_for(client_for, contract_id):
    response = client_for("admin").get(f"/api/servicedata/sla/{contract_id}/trend/", {"months": "2"})
    assert response.status_code == 200 and len(response.json()) == 2


@pytest.mark.parametrize("year", ["0", "0.0", "2026.5", "10000"])
def test_calendar_days_refuse_a_year_out_of_range(client_for, year):
    from catalog.models import Calendar

    client = client_for("admin")
    calendar = Calendar.objects.order_by("pk").first()
    for url in ("/api/catalog/calendar-days/", f"/api/catalog/calendars/{calendar.pk}/days/"):
        response = client.get(url, {"year": year})
        assert response.status_code == 400 and "year" in response.json(), url


def test_calendar_days_of_a_year(client_for):
    from catalog.models import CalendarDay

    day = CalendarDay.objects.order_by("pk").first()
    client = client_for("admin")
    listed = client.get("/api/catalog/calendar-days/", {"year": day.date.year, "limit": 500}).json()["results"]
    assert day.pk in {row["id"] for row in listed}
    days = client.get(f"/api/catalog/calendars/{day.calendar_id}/days/", {"year": str(day.date.year)}).json()
    assert days and {row["date"][:4] for row in days} == {str(day.date.year)}
