"""Supplier evaluations: the weighted result equals a hand computation; scores are blind until every evaluator has
scored (pages and API); the weights must add up to 100; the delivery performance of the period is the evaluation's
input, frozen when it is submitted, so the supplier's next evaluation shows a delivery recorded after the last."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import workflow
from suppliers import services, terms
from suppliers.choices import EvaluationStatus
from suppliers.models import Score, SupplierEvaluation

from .helpers import evaluation, score, supplier

pytestmark = pytest.mark.django_db

# Two evaluators, three criteria: quality 50, delivery 30, price 20.
WEIGHTS = {"quality": 50, "delivery": 30, "price": 20}
FIRST = {"quality": 80, "delivery": 90, "price": 70}
SECOND = {"quality": 90, "delivery": 60, "price": 75}


@pytest.fixture
def scored(demo):
    """An evaluation of a new supplier by Commerce and the Service Department manager, being scored."""
    commerce = demo["commerce"]
    of = supplier(commerce)
    return evaluation(commerce, of, [commerce, demo["svc_manager"]], weights=WEIGHTS, pass_mark=Decimal(75))


def test_the_result_equals_a_hand_computation(scored, demo):
    score(scored, demo["commerce"], FIRST)
    assert services.result_of(scored) == (None, None)  # not before every evaluator has scored
    score(scored, demo["svc_manager"], SECOND)
    # By hand: quality (80 + 90) / 2 = 85, delivery (90 + 60) / 2 = 75, price (70 + 75) / 2 = 72.5;
    # weighted: (85 × 50 + 75 × 30 + 72.5 × 20) / 100 = (4250 + 2250 + 1450) / 100 = 79.50, at least 75: qualified.
    assert services.result_of(scored) == (Decimal("79.50"), True)
    workflow.fire(scored, "submit", demo["commerce"])
    scored.refresh_from_db()
    assert scored.status == EvaluationStatus.IN_REVIEW
    assert scored.result == Decimal("79.50") and scored.qualified is True


def test_below_the_pass_mark_is_not_qualified(scored, demo):
    score(scored, demo["commerce"], {"quality": 60, "delivery": 70, "price": 80})
    score(scored, demo["svc_manager"], {"quality": 70, "delivery": 60, "price": 60})
    # (65 × 50 + 65 × 30 + 70 × 20) / 100 = (3250 + 1950 + 1400) / 100 = 66.00 < 75
    assert services.result_of(scored) == (Decimal("66.00"), False)


def test_an_evaluator_reads_only_their_own_scores_until_all_have_scored(scored, demo, client_for):
    commerce, manager = demo["commerce"], demo["svc_manager"]
    score(scored, commerce, FIRST)
    mine = Score.objects.get(evaluation=scored, evaluator=commerce, criterion__criterion="quality")
    # service
    assert set(services.visible_scores(scored, commerce)) == {(commerce.pk, c.pk) for c in scored.criteria.all()}
    assert services.visible_scores(scored, manager) == {}
    assert services.visible_scores(scored, demo["auditor"]) == {}
    # API: the record's scores and the scores list
    url = f"/api/suppliers/evaluations/{scored.pk}/"
    assert len(client_for("commerce").get(url).json()["scores"]) == 3
    for username in ("svc_manager", "auditor", "commerce_mgr"):
        assert client_for(username).get(url).json()["scores"] == [], username
        listed = client_for(username).get("/api/suppliers/scores/", {"evaluation": scored.pk}).json()["results"]
        assert listed == [], username
    assert client_for("svc_manager").get(f"/api/suppliers/scores/{mine.pk}/").status_code == 404
    # page: the other evaluator's cells are hidden
    page = client_for("svc_manager").get(scored.get_absolute_url()).content.decode()
    assert 'id="blind-note"' in page and 'class="score-value"' not in page
    page = client_for("commerce").get(scored.get_absolute_url()).content.decode()
    assert page.count('class="score-value"') == 3
    # once the second evaluator has scored, everyone who reads the record reads every score
    client_for("svc_manager").post(f"/suppliers/supplierevaluation/{scored.pk}/scores/", {
        **{f"scores-score_{c.pk}": SECOND[c.criterion] for c in scored.criteria.all()}})
    assert services.scores_complete(scored)
    assert len(client_for("auditor").get(url).json()["scores"]) == 6
    assert client_for("auditor").get(url).json()["computed_result"] == "79.50"
    assert len(client_for("auditor").get("/api/suppliers/scores/", {"evaluation": scored.pk}).json()["results"]) == 6
    assert client_for("auditor").get(scored.get_absolute_url()).content.decode().count('class="score-value"') == 6


def test_only_named_evaluators_score_and_only_while_scoring(scored, demo, client_for):
    with pytest.raises(PermissionDenied):
        score(scored, demo["tsd_director"], FIRST)
    response = client_for("tsd_director").post(f"/api/suppliers/evaluations/{scored.pk}/scores/",
                                                [{"criterion": scored.criteria.first().pk, "score": 50}],
                                                content_type="application/json")
    assert response.status_code == 403
    response = client_for("svc_manager").post(f"/api/suppliers/evaluations/{scored.pk}/scores/",
                                              [{"criterion": c.pk, "score": SECOND[c.criterion]}
                                               for c in scored.criteria.all()], content_type="application/json")
    assert response.status_code == 200 and len(response.json()) == 3
    assert client_for("svc_manager").post(f"/api/suppliers/evaluations/{scored.pk}/scores/",
                                          [{"criterion": scored.criteria.first().pk, "score": 101}],
                                          content_type="application/json").status_code == 400
    workflow.fire(scored, "withdraw", demo["commerce"])
    with pytest.raises(ValidationError):
        score(scored, demo["svc_manager"], SECOND)


def test_submission_waits_for_every_score_and_the_author_does_not_approve(scored, demo):
    score(scored, demo["commerce"], FIRST)
    with pytest.raises(ValidationError, match="Every evaluator must score every criterion first"):
        workflow.fire(scored, "submit", demo["commerce"])
    score(scored, demo["svc_manager"], SECOND)
    workflow.fire(scored, "submit", demo["commerce"])
    with pytest.raises(ValidationError, match="author"):
        workflow.fire(scored, "approve", demo["commerce"])
    with pytest.raises(PermissionDenied):
        workflow.fire(scored, "approve", demo["svc_manager"])
    workflow.fire(scored, "approve", demo["commerce_mgr"])
    scored.refresh_from_db()
    assert scored.status == EvaluationStatus.APPROVED


def test_the_weights_must_add_up_to_100(demo, client_for):
    commerce = demo["commerce"]
    of = supplier(commerce)
    draft = evaluation(commerce, of, [commerce], weights={"quality": 60, "price": 30}, start=False)
    with pytest.raises(ValidationError, match="weights add up to 90; they must add up to 100"):
        workflow.fire(draft, "start_scoring", commerce)
    response = client_for("commerce").post("/api/suppliers/evaluations/", {
        "supplier": of.pk, "period_from": "2026-01-01", "period_to": "2026-06-30", "evaluators": [commerce.pk],
        "criteria": [{"criterion": "quality", "weight": 70}, {"criterion": "price", "weight": 20}]},
        content_type="application/json")
    assert response.status_code == 400
    assert "must add up to 100" in str(response.json()["criteria"])
    # a new evaluation on the page is offered the five usual criteria, adding up to 100
    page = client_for("commerce").get(f"/suppliers/supplierevaluation/add/?supplier={of.pk}").content.decode()
    assert 'value="30"' in page and 'value="25"' in page
    response = client_for("commerce").post(f"/suppliers/supplierevaluation/{draft.pk}/edit/", {
        "supplier": of.pk, "title": draft.title, "period_from": "2026-01-01", "period_to": "2026-06-30",
        "pass_mark": "70", "owner_department": commerce.department_id, "confidentiality": "internal",
        "evaluators": [commerce.pk], "lock_version": draft.lock_version,
        "criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "2", "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        **{f"criteria-{i}-{k}": v for i, c in enumerate(draft.criteria.order_by("pk"))
           for k, v in {"id": c.pk, "evaluation": draft.pk, "criterion": c.criterion, "weight": c.weight}.items()}})
    assert response.status_code == 200
    assert "they must add up to 100" in response.content.decode()


def test_a_new_evaluation_via_the_api_starts_with_the_usual_criteria(demo, client_for):
    of = supplier(demo["commerce"])
    response = client_for("commerce").post("/api/suppliers/evaluations/", {
        "supplier": of.pk, "period_from": "2026-01-01", "period_to": "2026-06-30"}, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert [(c["criterion"], c["weight"]) for c in data["criteria"]] == [
        ("quality", 30), ("delivery", 25), ("price", 20), ("service", 15), ("compliance", 10)]
    created = SupplierEvaluation.objects.get(pk=data["id"])
    assert created.valid_until == terms.evaluation_valid_until() and created.title


def test_the_next_evaluation_shows_the_deliveries_since_the_last(demo, client_for):
    commerce, manager = demo["commerce"], demo["svc_manager"]
    of = supplier(commerce)
    today = terms.today()
    services.record_performance(of, delivered_on=today - timedelta(days=100), due_on=today - timedelta(days=102),
                                quantity=2, defects=1, source_label="PO-1 交换机", user=commerce)
    first = evaluation(commerce, of, [commerce], weights=WEIGHTS, period_from=today - timedelta(days=200),
                       period_to=today - timedelta(days=50))
    score(first, commerce, FIRST)
    workflow.fire(first, "submit", commerce)
    workflow.fire(first, "approve", demo["commerce_mgr"])
    first.refresh_from_db()
    assert first.performance["deliveries"] == 1 and first.performance["on_time"] == 0
    assert first.performance["on_time_percent"] == "0.00" and first.performance["defects"] == 1
    # a delivery accepted after the first evaluation's period (procurement records it as whoever accepts it)
    services.record_performance(of, delivered_on=today - timedelta(days=3), due_on=today, quantity=2, defects=0,
                                source_label="PO-2 备份服务器 ×2", source_url="/procurement/plan/1/", user=manager)
    # frozen: the approved evaluation does not change
    first.refresh_from_db()
    assert first.performance["deliveries"] == 1
    # the next evaluation starts the day after the first one's period and shows the new delivery
    start, end = services.default_period(of)
    assert start == today - timedelta(days=49) and end == today
    page = client_for("commerce").get(f"/suppliers/supplierevaluation/add/?supplier={of.pk}").content.decode()
    assert f'value="{start:%Y-%m-%d}"' in page
    second = evaluation(commerce, of, [commerce], weights=WEIGHTS, period_from=start, period_to=end)
    shown = client_for("commerce").get(second.get_absolute_url()).content.decode()
    assert "PO-2 备份服务器 ×2" in shown and "PO-1 交换机" not in shown
    api = client_for("commerce").get(f"/api/suppliers/evaluations/{second.pk}/").json()["delivery_performance"]
    assert (api["deliveries"], api["on_time"], api["on_time_percent"]) == (1, 1, "100.00")


def test_exports_of_an_evaluation_and_a_list(demo, client_for):
    evaluation_ = SupplierEvaluation.objects.filter(status=EvaluationStatus.APPROVED).first()
    for fmt in ("pdf", "docx"):
        response = client_for("auditor").get(f"/suppliers/supplierevaluation/{evaluation_.pk}/export/?format={fmt}")
        assert response.status_code == 200 and len(response.content) > 1000
    listed = services.list_in_force()
    response = client_for("auditor").get(f"/suppliers/qualifiedlist/{listed.pk}/export/?format=docx")
    assert response.status_code == 200


def test_the_audit_trail_keeps_scores_blind_too(scored, demo):
    """The audit trail names every score written; until all have scored it shows a reader only their own."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import AuditEntry

    commerce, manager = demo["commerce"], demo["svc_manager"]
    score(scored, commerce, FIRST)
    scores_type = ContentType.objects.get_for_model(Score)
    ids = [str(pk) for pk in Score.objects.filter(evaluation=scored).values_list("pk", flat=True)]

    def entries(user):
        return AuditEntry.objects.restrict(user, "view").filter(content_type=scores_type, object_id__in=ids).count()

    assert Score.objects.filter(evaluation=scored).count() == 3  # written and audited, but not yet readable
    assert entries(demo["auditor"]) == entries(demo["gm"]) == 0
    score(scored, manager, SECOND)
    ids = [str(pk) for pk in Score.objects.filter(evaluation=scored).values_list("pk", flat=True)]
    assert entries(demo["auditor"]) == 6
