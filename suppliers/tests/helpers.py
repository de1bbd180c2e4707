"""Records of the supplier register written as people would, for the app's tests."""

from datetime import timedelta

from core import records, rows, workflow
from suppliers import services, terms
from suppliers.models import Certificate, QualifiedEntry, QualifiedList, Supplier, SupplierEvaluation


def supplier(user, code="acme", **fields):
    fields.setdefault("name", f"{code} 有限公司")
    fields.setdefault("category", "hardware")
    return records.create(Supplier(code=code, **fields), user)


def certificate(user, of, name, valid_until, **fields):
    return records.create(Certificate(supplier=of, name=name, valid_until=valid_until, **fields), user)


def evaluation(author, of, evaluators, *, weights=None, start=True, **fields):
    """An evaluation of `of` with the default criteria (or `weights`: {criterion: weight}), being scored."""
    today = terms.today()
    fields.setdefault("period_from", today - timedelta(days=365))
    fields.setdefault("period_to", today)
    record = records.create(SupplierEvaluation(supplier=of, owner_department=author.department, **fields), author)
    if weights is None:
        services.add_default_criteria(record, author)
    else:
        rows.replace(record, "criteria", [{"criterion": c, "weight": w} for c, w in weights.items()], author)
    rows.set_links(record, "evaluators", list(evaluators), author)
    if start:
        workflow.fire(record, "start_scoring", author)
        record.refresh_from_db()
    return record


def score(record, evaluator, values):
    """`values`: {criterion code: score}."""
    by_code = {c.criterion: c for c in record.criteria.all()}
    return services.give_scores(record, evaluator, [{"criterion": by_code[k].pk, "score": v}
                                                    for k, v in values.items()])


def approved_list(author, approver, entries, review_due=None):
    """A new qualified supplier list in force with `entries`: [(supplier, valid_until)]."""
    record = records.create(QualifiedList(title="合格供方名录 测试", owner_department=author.department,
                                          review_due=review_due or terms.list_review_due()), author)
    for of, until in entries:
        records.create(QualifiedEntry(qualified_list=record, supplier=of, valid_until=until), author)
    workflow.fire(record, "submit", author)
    workflow.fire(record, "approve", approver)
    record.refresh_from_db()
    return record
