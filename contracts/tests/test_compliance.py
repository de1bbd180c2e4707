"""The contract stage's compliance rules (contracts.compliance): CON-1 contract signed without a passed review,
CON-2 SLA signed without approval. The demo company signs through the workflow and complies; each violation is
made here by the database edit that alone can make it (the workflow refuses the path)."""

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType

from contracts.choices import ReviewStatus, SignedStatus
from contracts.models import Contract, ContractReview, ServiceLevelAgreement
from core import compliance
from core.compliance import CheckScope, Severity
from core.display import readable
from core.models import TransitionLog

TODAY = date(2026, 12, 1)


def found(rule_id, contracts=None):
    scope = CheckScope(TODAY, frozenset(contracts) if contracts is not None else None)
    return list(compliance.get(rule_id).find(scope))


def log(record, target):
    return TransitionLog.objects.get(content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
                                     target=target)


def hospital():
    return Contract.objects.signed().get(customer__code="nbhospital")


def test_rules_declared_with_clause_and_severity():
    assert (compliance.get("CON-1").clause, compliance.get("CON-1").severity) == ("8.3.2", Severity.MAJOR)
    assert (compliance.get("CON-2").clause, compliance.get("CON-2").severity) == ("8.3.3", Severity.MAJOR)


def test_signed_demo_contracts_comply(demo):
    signed = Contract.objects.filter(signed_on__isnull=False)
    assert signed.count() >= 3  # the hospital contract and the two 温州水务 contracts
    assert found("CON-1") == []
    assert found("CON-2") == []


def test_review_passed_after_signing_is_found(demo):
    contract = hospital()
    review = ContractReview.objects.get(contract=contract, status=ReviewStatus.APPROVED)
    signed_at = log(contract, SignedStatus.SIGNED).at
    TransitionLog.objects.filter(pk=log(review, ReviewStatus.APPROVED).pk).update(at=signed_at + timedelta(hours=2))

    [violation] = found("CON-1")
    assert violation.obj == contract and violation.key == ""
    assert violation.occurred == signed_at
    assert "passed only on" in readable(violation.message)
    other = Contract.objects.get(customer__code="szmetro")
    assert found("CON-1", contracts=[other.pk]) == []  # a scope of other contracts does not see it


def test_contract_signed_by_a_direct_edit_without_a_review_is_found(demo):
    contract = Contract.objects.get(customer__code="hzbank", status=SignedStatus.APPROVED)
    Contract.objects.filter(pk=contract.pk).update(status=SignedStatus.SIGNED, signed_on=date(2026, 1, 1))

    [violation] = found("CON-1", contracts=[contract.pk])
    assert violation.obj == contract
    assert "without a contract review of it that passed" in readable(violation.message)


def test_review_of_another_version_does_not_count(demo):
    contract = hospital()
    other = Contract.objects.get(customer__code="szmetro")
    ContractReview.objects.filter(contract=contract).update(contract=other)

    assert [v.obj for v in found("CON-1")] == [contract]


def test_sla_signed_without_its_approval_is_found(demo):
    sla = ServiceLevelAgreement.objects.get(contract=hospital(), status=SignedStatus.SIGNED)
    log(sla, SignedStatus.APPROVED).delete()

    [violation] = found("CON-2")
    assert violation.obj == sla and violation.related == (sla.contract,)
    assert "without an approval on record" in readable(violation.message)


def test_sla_approved_after_signing_is_found(demo):
    sla = ServiceLevelAgreement.objects.get(contract=hospital(), status=SignedStatus.SIGNED)
    signed_at = log(sla, SignedStatus.SIGNED).at
    TransitionLog.objects.filter(pk=log(sla, SignedStatus.APPROVED).pk).update(at=signed_at + timedelta(days=1))

    [violation] = found("CON-2")
    assert violation.obj == sla
    assert "approved only on" in readable(violation.message)
