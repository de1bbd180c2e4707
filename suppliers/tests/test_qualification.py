"""The qualified supplier list 合格供方名录 and qualification: who may be chosen and why not; expiry flags on the
pages and in Commerce's work queue before a certificate, an evaluation or the list lapses; the list filled from the
approved evaluations; the management review's supplier section equals figures computed here."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core import records, report_sections, workflow
from core.worklist import Kind, items_for
from suppliers import services, terms
from suppliers.models import Performance, QualifiedEntry, QualifiedList

from .helpers import approved_list, certificate, evaluation, score, supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return terms.today()


def test_only_a_supplier_on_the_list_in_force_with_nothing_lapsed_qualifies(demo, today):
    commerce, manager = demo["commerce"], demo["commerce_mgr"]
    listed, unlisted, lapsed_entry, lapsed_cert = (supplier(commerce, code) for code in ("s1", "s2", "s3", "s4"))
    certificate(commerce, lapsed_cert, "ISO 9001", today - timedelta(days=1))
    certificate(commerce, listed, "ISO 9001", today - timedelta(days=400))
    certificate(commerce, listed, "ISO 9001", today + timedelta(days=300))  # renewed: the latest counts
    approved_list(commerce, manager, [(listed, today + timedelta(days=200)), (lapsed_entry, today - timedelta(days=1)),
                                      (lapsed_cert, today + timedelta(days=200))])
    ok = services.qualification(listed)
    assert ok.qualified and ok.reasons == [] and ok.until == today + timedelta(days=200)
    refused = services.qualification(unlisted)
    assert not refused.qualified and refused.reasons == ["s2 有限公司 is not on the approved qualified supplier list."]
    refused = services.qualification(lapsed_entry)
    assert not refused.qualified and "was qualified until" in refused.reasons[0]
    refused = services.qualification(lapsed_cert)
    assert not refused.qualified and refused.reasons == [
        f"The certificate ISO 9001 of s4 有限公司 expired on {today - timedelta(days=1):%Y-%m-%d}."]
    # on a later date (an order placed then) the listed supplier's entry has lapsed too
    assert not services.qualification(listed, on=today + timedelta(days=201)).qualified
    # one query set for a page of suppliers gives the same answers
    many = services.qualifications([listed, unlisted, lapsed_entry, lapsed_cert])
    assert [many[s.pk].qualified for s in (listed, unlisted, lapsed_entry, lapsed_cert)] == [True, False, False, False]


def test_a_list_past_its_re_approval_date_qualifies_no_one(demo, today):
    commerce = demo["commerce"]
    listed = supplier(commerce, "s1")
    qualified_list = approved_list(commerce, demo["commerce_mgr"], [(listed, today + timedelta(days=400))])
    QualifiedList.objects.filter(pk=qualified_list.pk).update(review_due=today - timedelta(days=1))
    refused = services.qualification(listed)
    assert not refused.qualified and "was due for re-approval" in refused.reasons[0]


def test_a_supplier_list_page_shows_the_qualification_and_flags_what_lapses(demo, client_for, today, queries_of):
    commerce = demo["commerce"]
    soon, later = supplier(commerce, "soon"), supplier(commerce, "later")
    certificate(commerce, soon, "华为授权", today + timedelta(days=terms.warning_days() - 1))
    certificate(commerce, later, "华为授权", today + timedelta(days=terms.warning_days() + 1))
    approved_list(commerce, demo["commerce_mgr"], [(soon, today + timedelta(days=300)),
                                                   (later, today + timedelta(days=300))])
    client = client_for("commerce")
    page = client.get("/suppliers/supplier/", {"q": "soon"}).content.decode()
    assert "Qualified" in page and "expiry-flag" in page
    page = client.get("/suppliers/supplier/", {"q": "later"}).content.decode()
    assert "Qualified" in page and "expiry-flag" not in page
    detail = client.get(soon.get_absolute_url()).content.decode()
    assert "expiry-warning" in detail and "华为授权" in detail
    assert "expiry-warning" not in client.get(later.get_absolute_url()).content.decode()
    # the list's query count does not grow with its rows
    few = queries_of(client, "/suppliers/supplier/")
    for n in range(5):
        supplier(commerce, f"more{n}")
    assert queries_of(client, "/suppliers/supplier/") == few
    assert queries_of(client, "/api/suppliers/") <= few + 5


def test_commerce_is_told_before_a_certificate_evaluation_or_list_lapses(demo, today):
    commerce, manager = demo["commerce"], demo["commerce_mgr"]
    of = supplier(commerce, "flagged")
    cert = certificate(commerce, of, "ISO 9001", today + timedelta(days=10))
    approved_list(commerce, manager, [(of, today + timedelta(days=300))], review_due=today + timedelta(days=20))
    rated = evaluation(commerce, of, [commerce], weights={"quality": 100}, valid_until=today + timedelta(days=25))
    score(rated, commerce, {"quality": 90})
    workflow.fire(rated, "submit", commerce)
    workflow.fire(rated, "approve", manager)
    items = {i.key: i for i in items_for(commerce, today)}
    certificate_item = items[f"suppliers:certificate:{cert.pk}:{cert.valid_until:%Y%m%d}"]
    assert certificate_item.kind == Kind.DUE and certificate_item.due == today + timedelta(days=10)
    assert "ISO 9001" in certificate_item.title and "Lapses soon" in certificate_item.title
    assert any(k.startswith(f"suppliers:evaluation:{rated.pk}:") for k in items)
    assert any(k.startswith("suppliers:list:") and i.due == today + timedelta(days=20) for k, i in items.items())
    # the same things, the day after the certificate lapsed, are still there (now lapsed)
    later = {i.key: i for i in items_for(commerce, today + timedelta(days=11))}
    assert "Lapsed" in later[certificate_item.key].title
    # not before the warning window, and only for Commerce
    early = today - timedelta(days=terms.warning_days())
    assert certificate_item.key not in {i.key for i in items_for(commerce, early)}
    assert not [i for i in items_for(demo["svc_staff"], today) if i.key.startswith("suppliers:certificate")]


def test_an_evaluator_is_asked_for_their_scores(demo, today):
    commerce, manager = demo["commerce"], demo["svc_manager"]
    rated = evaluation(commerce, supplier(commerce, "to-score"), [commerce, manager], weights={"quality": 100})
    key = f"suppliers:score:{rated.pk}:v{rated.version}:{rated.review_round}"
    assert key in {i.key for i in items_for(manager, today)}
    score(rated, manager, {"quality": 80})
    assert key not in {i.key for i in items_for(manager, today)}
    score(rated, commerce, {"quality": 70})
    assert f"suppliers:submit:{rated.pk}:v{rated.version}" in {i.key for i in items_for(commerce, today)}


def test_the_list_is_filled_from_the_approved_evaluations(demo, client_for, today):
    commerce, manager = demo["commerce"], demo["commerce_mgr"]
    good, poor = supplier(commerce, "good"), supplier(commerce, "poor")
    for of, value in ((good, 90), (poor, 40)):
        rated = evaluation(commerce, of, [commerce], weights={"quality": 100}, valid_until=today + timedelta(days=99))
        score(rated, commerce, {"quality": value})
        workflow.fire(rated, "submit", commerce)
        workflow.fire(rated, "approve", manager)
    draft = records.create(QualifiedList(title="名录", owner_department=commerce.department), commerce)
    assert draft.review_due == terms.add_months(today, terms.list_months())
    records.create(QualifiedEntry(qualified_list=draft, supplier=poor, valid_until=today + timedelta(days=5)), commerce)
    response = client_for("commerce").post(f"/suppliers/qualifiedlist/{draft.pk}/fill/")
    assert response.status_code == 302
    entries = {e.supplier.code: e for e in draft.entries.select_related("supplier")}
    assert "good" in entries and entries["good"].valid_until == today + timedelta(days=99)
    assert "poor" not in entries  # its latest approved evaluation did not qualify it
    assert {"huaxin", "zhongke", "ruanchuang"} <= set(entries)  # the demo's qualified suppliers
    assert "xunjie" not in entries and "dongfang" not in entries
    again = client_for("commerce").post(f"/api/suppliers/qualified-lists/{draft.pk}/fill/").json()
    assert again["added"] == again["removed"] == []


def test_the_management_review_section_equals_the_raw_rows(demo, today):
    commerce = demo["commerce"]
    of = supplier(commerce, "aaa-first")
    start_day, end_day = today - timedelta(days=60), today
    inside = [(today - timedelta(days=50), today - timedelta(days=52), 3), (today - timedelta(days=10), today, 0),
              (today - timedelta(days=5), today - timedelta(days=1), 1)]
    for delivered, due, defects in inside:
        services.record_performance(of, delivered_on=delivered, due_on=due, quantity=1, defects=defects,
                                    source_label="x", user=commerce)
    services.record_performance(of, delivered_on=today - timedelta(days=90), due_on=today, quantity=1, defects=9,
                                source_label="before the period", user=commerce)
    zone = timezone.get_current_timezone()
    scope = report_sections.Scope(contracts=(), start=datetime.combine(start_day, time(), zone),
                                  end=datetime.combine(end_day + timedelta(days=1), time(), zone))
    section = next(s for s in report_sections.sections(report_sections.MANAGEMENT, scope)
                   if s["key"] == "supplier_performance")
    row = next(r for r in section["rows"] if r[0] == "aaa-first 有限公司")
    # computed here from the raw rows of the period: 3 deliveries, 2 on time (delivered on or before due)
    rows = Performance.objects.filter(supplier=of, delivered_on__gte=start_day, delivered_on__lte=end_day)
    on_time = sum(1 for r in rows if r.delivered_on <= r.due_on)
    expected_pct = (Decimal(on_time) * 100 / rows.count()).quantize(Decimal("0.01"))
    assert row[2:5] == [rows.count(), f"{expected_pct} %", sum(r.defects for r in rows)]
    assert row[2:5] == [3, "66.67 %", 4]
    assert row[5:] == ["—", "—", "No"]
    # the demo's evaluated suppliers are there with their latest evaluation's result and verdict
    huaxin = next(r for r in section["rows"] if r[0] == "杭州华信科技有限公司")
    assert huaxin[5].endswith("· 85.65") and huaxin[6] == "Qualified" and huaxin[7] == "Yes"
