"""Customer satisfaction: answers recorded once, the summary computed from them, pending surveys."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core.context import acting_as
from core.models import AuditEntry
from org.models import User
from reporting.choices import ReportStatus, SurveyOccasion
from reporting.models import MonthlyServiceReport, SatisfactionResponse
from reporting.services import satisfaction


def customer_user(username="wz_contact", name="王李", customer="wzwater"):
    """A contact of the customer (the demo chain's, 温州市水务集团, unless told) given a sign-in."""
    from customers.models import Contact, Customer
    from portal.services import give_sign_in

    contact = Contact.objects.create(customer=Customer.objects.get(code=customer), name=name,
                                     email=f"{username}@example.com")
    user, _password = give_sign_in(contact, User.objects.get(username="svc_staff"), username=username)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def chain(demo):
    return Contract.objects.signed().filter(title=CHAIN_TITLE).first()


@pytest.fixture
def issued(chain):
    report = MonthlyServiceReport.objects.filter(contract__number=chain.number, status=ReportStatus.ISSUED).first()
    assert report is not None, "the demo issues one monthly report"
    return report


def test_customer_rates_an_issued_report_once(issued, demo):
    contact = customer_user()
    assert issued in satisfaction.pending_for(contact)
    with acting_as(contact):
        answer = satisfaction.answer_report(issued, contact, 4, "响应及时")
    assert (answer.year, answer.month, answer.score, answer.points) == (issued.year, issued.month, 4, 80)
    assert answer.respondent == contact and answer.respondent_name == "王李"
    assert answer.occasion == SurveyOccasion.MONTHLY_REPORT and answer.report == issued
    assert AuditEntry.objects.filter(object_id=str(answer.pk), content_type__model="satisfactionresponse").exists()
    assert issued not in satisfaction.pending_for(contact)
    assert not satisfaction.may_answer(contact, issued)
    with pytest.raises(ValidationError, match="answered already"), acting_as(contact):
        satisfaction.answer_report(issued, contact, 5)
    assert SatisfactionResponse.objects.filter(respondent=contact).count() == 1


def test_staff_neither_answer_for_themselves_nor_see_pending_surveys(issued, demo):
    pm = demo["pm"]
    assert satisfaction.pending_for(pm) == []
    with pytest.raises(PermissionDenied):
        satisfaction.answer_report(issued, pm, 5)
    with pytest.raises(ValidationError, match="Name the person"), acting_as(pm):
        satisfaction.record(score=5, report=issued, user=pm)
    with acting_as(demo["svc_staff"]):  # an answer given on paper, typed in by the Service Department
        answer = satisfaction.record(score=5, report=issued, user=demo["svc_staff"], respondent_name="张主任")
    assert answer.respondent is None and answer.respondent_name == "张主任"


def test_only_an_issued_report_is_rated_and_the_score_is_one_to_five(issued, chain, demo):
    contact = customer_user()
    draft = MonthlyServiceReport.objects.exclude(status=ReportStatus.ISSUED).first()
    if draft is not None:
        with pytest.raises(ValidationError, match="issued"):
            satisfaction.record(score=3, report=draft, user=contact)
    for bad in (0, 6):
        with pytest.raises(ValidationError), acting_as(contact):
            satisfaction.record(score=bad, report=issued, user=contact)
    assert not SatisfactionResponse.objects.filter(respondent=contact).exists()


def test_acceptance_answer_through_a_link_has_no_account(chain):
    answer = satisfaction.record(score=5, occasion=SurveyOccasion.ACCEPTANCE, contract=chain,
                                 respondent_name="赵工", comment="验收顺利", year=2026, month=9)
    assert (answer.respondent, answer.respondent_name, answer.year, answer.month) == (None, "赵工", 2026, 9)
    with pytest.raises(ValidationError, match="answered already"):
        satisfaction.record(score=4, occasion=SurveyOccasion.ACCEPTANCE, contract=chain, respondent_name="赵工",
                            year=2026, month=9)


def test_summary_counts_averages_points_and_leaves_gaps(chain, demo):
    answers = [(2026, 3, 5), (2026, 3, 4), (2026, 5, 3), (2026, 7, 5), (2025, 12, 1)]
    for i, (year, month, score) in enumerate(answers):
        satisfaction.record(score=score, occasion=SurveyOccasion.ACCEPTANCE, contract=chain, year=year,
                            month=month, respondent_name=f"联系人{i}")
    result = satisfaction.summary(chain.number, date(2026, 3, 15), date(2026, 6, 1))
    assert result["count"] == 3
    assert result["average"] == pytest.approx(4.0)
    assert result["points"] == pytest.approx(80.0)
    assert result["by_month"] == [
        {"year": 2026, "month": 3, "count": 2, "average": 4.5},
        {"year": 2026, "month": 4, "count": 0, "average": None},
        {"year": 2026, "month": 5, "count": 1, "average": 3.0},
        {"year": 2026, "month": 6, "count": 0, "average": None},
    ]
    empty = satisfaction.summary(chain.number, date(2024, 1, 1), date(2024, 2, 1))
    assert (empty["count"], empty["average"], empty["points"]) == (0, None, None)
    across_year = satisfaction.summary(chain.number, date(2025, 12, 1), date(2026, 3, 31))
    assert across_year["count"] == 3 and across_year["average"] == pytest.approx(10 / 3, abs=0.01)
    assert [(m["year"], m["month"]) for m in across_year["by_month"]] == [(2025, 12), (2026, 1), (2026, 2),
                                                                          (2026, 3)]
    trend = satisfaction.by_contract_month([chain.number], [(2026, 3), (2026, 4), (2026, 5)])
    assert trend == {chain.number: [4.5, None, 3.0]}


def test_answers_are_never_changed_through_the_matrix(demo):
    from core.permissions import roles_for

    assert roles_for("reporting.satisfactionresponse", "change") == frozenset()
    assert roles_for("reporting.satisfactionresponse", "delete") == frozenset()


def test_survey_page_and_api(issued, client):
    contact = customer_user()
    client.force_login(contact)
    url = f"/reporting/monthlyservicereport/{issued.pk}/survey/"
    assert client.get("/portal/").content.decode().count(url) >= 1  # the customer's home links the survey
    page = client.get(url)  # in the contact's language, Chinese
    assert page.status_code == 200 and "您对本月的服务满意吗" in page.content.decode()
    assert client.get(issued.get_absolute_url()).status_code == 404  # the company's page is not theirs
    assert client.post(url, {"score": 9}).status_code == 400
    response = client.post(url, {"score": 5, "comment": "很好"})
    assert response.status_code == 302
    answer = SatisfactionResponse.objects.get(respondent=contact)
    assert (answer.respondent, answer.score, answer.comment) == (contact, 5, "很好")
    assert 'id="survey-answered"' in client.get(url).content.decode()
    again = client.post("/api/reporting/satisfaction/", {"report": issued.pk, "score": 1},
                        content_type="application/json")
    assert again.status_code == 400 and "此调查已答复" in again.content.decode()  # in the contact's language
    assert client.get("/reporting/satisfactionresponse/add/").status_code == 404
    listed = client.get("/api/reporting/satisfaction/").json()
    assert [row["id"] for row in listed["results"]] == [answer.pk] and listed["results"][0]["points"] == 100
    other = customer_user("nb_contact2", "何医生", customer="nbhospital")  # another customer's contact
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.get("/api/reporting/satisfaction/").json()["results"] == []
    assert client.post("/api/reporting/satisfaction/", {"report": issued.pk, "score": 1},
                       content_type="application/json").status_code in (400, 403, 404)
    assert not SatisfactionResponse.objects.filter(respondent=other).exists()


def test_api_answer_and_staff_reading(issued, chain, client_for, demo):
    contact = customer_user()
    from django.test import Client

    api = Client()
    api.force_login(contact)
    created = api.post("/api/reporting/satisfaction/", {"report": issued.pk, "score": 3, "comment": "一般"},
                       content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["year"] == issued.year and created.json()["respondent"] == contact.pk
    manager = client_for("svc_manager")
    assert manager.get(f"/api/reporting/satisfaction/{created.json()['id']}/").json()["score"] == 3
    contract_page = manager.get(chain.get_absolute_url()).content.decode()
    assert 'id="contract-satisfaction"' in contract_page and "一般" in contract_page
    report_page = manager.get(issued.get_absolute_url()).content.decode()
    assert 'id="report-answers"' in report_page and "answer-survey" not in report_page
    assert manager.get(f"/reporting/monthlyservicereport/{issued.pk}/survey/").status_code == 302
    assert manager.patch(f"/api/reporting/satisfaction/{created.json()['id']}/", {"score": 5},
                         content_type="application/json").status_code in (403, 405)
    paper = manager.post("/api/reporting/satisfaction/", {"occasion": "acceptance", "contract": chain.pk,
                                                          "score": 4, "respondent_name": "陈经理"},
                         content_type="application/json")
    assert paper.status_code == 201, paper.content
    assert paper.json()["respondent"] is None and paper.json()["respondent_name"] == "陈经理"


def test_internal_report_trend_shows_satisfaction_per_contract_and_month(issued, chain, demo):
    from reporting.choices import Scope
    from reporting.services.internal import build_internal_snapshot
    from servicedata import sla

    year, month = issued.year, issued.month
    months = sla.last_months(year, month, 3)
    (y0, m0), (y2, m2) = months[0], months[2]
    for i, (y, m, score) in enumerate([(y0, m0, 2), (y2, m2, 4), (y2, m2, 5)]):
        satisfaction.record(score=score, occasion=SurveyOccasion.ACCEPTANCE, contract=chain, year=y, month=m,
                            respondent_name=f"客户{i}")
    demo_answers = list(SatisfactionResponse.objects.filter(contract__number=chain.number, year=y2, month=m2)
                        .exclude(respondent_name__startswith="客户").values_list("score", flat=True))
    data = build_internal_snapshot(Scope.COMPANY, None, year, month)
    trend = data["satisfaction"]
    assert trend["months"] == [f"{y}-{m:02d}" for y, m in months]
    row = next(r for r in trend["series"] if r["contract"] == chain.number)
    last = round(sum([4, 5, *demo_answers]) / (2 + len(demo_answers)), 2)  # the demo's customer rated it too
    assert row["averages"] == [2.0, None, last]
    assert [r["contract"] for r in trend["series"]] == [chain.number]  # contracts without answers are left out
    from reporting.exports import satisfaction_section

    section = satisfaction_section(data)
    assert section.tables[0].rows == [[row["customer"], chain.number, "2.00", "—", f"{last:.2f}"]]


def test_staff_record_a_paper_answer_on_the_page_and_read_the_list(chain, client_for, demo):
    staff = client_for("svc_staff", language="zh-hans")
    add = f"/reporting/satisfactionresponse/add/?contract={chain.pk}"
    assert "录入客户通过纸质问卷或电话给出的答复" in staff.get(add).content.decode()
    refused = staff.post(add, {"occasion": "acceptance", "contract": chain.pk, "score": 4})
    assert refused.status_code == 200 and not SatisfactionResponse.objects.filter(respondent_name="").exists()
    response = staff.post(add, {"occasion": "acceptance", "contract": chain.pk, "year": 2026, "month": 11,
                                "score": 4, "comment": "电话回访", "respondent_name": "陈经理"})
    assert response.status_code == 302, response.content.decode()[:500]
    answer = SatisfactionResponse.objects.get(respondent_name="陈经理")
    assert (answer.year, answer.month, answer.score, answer.respondent) == (2026, 11, 4, None)
    assert "陈经理" in staff.get(answer.get_absolute_url()).content.decode()
    listing = staff.get("/reporting/satisfactionresponse/").content.decode()
    assert "陈经理" in listing and "电话回访" in listing
    assert staff.get(f"/reporting/satisfactionresponse/{answer.pk}/edit/").status_code == 403
    internal = client_for("tsd_director", language="zh-hans")
    assert internal.get("/reporting/satisfactionresponse/").status_code == 200
    assert client_for("sales").get(add).status_code == 403


def test_internal_report_page_shows_the_satisfaction_trend(issued, chain, client_for, demo):
    from core.context import acting_as
    from reporting.models import InternalServiceReport
    from reporting.services.internal import generate_internal

    report = InternalServiceReport.objects.filter(year=issued.year, month=issued.month).order_by("-version").first()
    assert report is not None, "the demo prepares the internal report of the issued report's month"
    director = demo["tsd_director"]
    with acting_as(director):
        report = generate_internal(report, director)
    html = client_for("tsd_director", language="zh-hans").get(report.get_absolute_url()).content.decode()
    assert 'id="internal-satisfaction"' in html and "各月平均满意度评分" in html
    row = next(r for r in report.snapshot["satisfaction"]["series"] if r["contract"] == chain.number)
    assert row["averages"][-1] is not None  # the demo's customer rated the issued report
