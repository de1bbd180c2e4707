"""Workflow engine: illegal transitions, approval rules, delegation, concurrency, optimistic locking."""

import threading
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from core import audit, records, workflow
from core.choices import ApprovalKind, RecordStatus
from core.models import Approval, TransitionLog
from core.records import StaleEdit
from core.tests.factories import approved_procedure, procedure
from core.workflow import ApprovalRule, TransitionConflict, WorkflowError, generic_review_workflow
from org.models import Delegation

pytestmark = pytest.mark.django_db


def log_of(record):
    return TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


def test_happy_path_records_who_when_comment(demo):
    document = procedure(demo["svc_staff"], submit=True)
    workflow.fire(document, "approve", demo["svc_manager"], "同意发布")
    assert document.status == RecordStatus.APPROVED and document.approved_at
    log = list(log_of(document).values_list("transition", "user__username",
                                                                               "comment"))
    assert log == [("submit", "svc_staff", ""), ("approve", "svc_manager", "同意发布")]


def test_illegal_transitions_are_refused(demo):
    document = procedure(demo["svc_staff"])
    with pytest.raises(TransitionConflict):
        workflow.fire(document, "approve", demo["svc_manager"])  # a draft cannot be approved
    with pytest.raises(WorkflowError):
        workflow.fire(document, "publish", demo["svc_staff"])  # no such transition
    with pytest.raises(PermissionDenied):
        workflow.fire(document, "submit", demo["sales"])  # sales may not touch procedure documents
    document.refresh_from_db()
    assert document.status == RecordStatus.DRAFT


def test_return_needs_a_comment(demo):
    document = procedure(demo["svc_staff"], submit=True)
    with pytest.raises(WorkflowError) as excinfo:
        workflow.fire(document, "return", demo["svc_manager"], "  ")
    assert "comment" in excinfo.value.message_dict
    workflow.fire(document, "return", demo["svc_manager"], "补充适用范围")
    assert document.status == RecordStatus.RETURNED


def test_author_cannot_approve_own_record(demo):
    document = procedure(demo["svc_manager"], submit=True)
    with pytest.raises(WorkflowError, match="author"):
        workflow.fire(document, "approve", demo["svc_manager"])


def test_quorum_rule(demo):
    flow = generic_review_workflow(approval=ApprovalRule(kind=ApprovalKind.QUORUM, quorum=2))
    document = procedure(demo["svc_staff"], submit=True)
    first = workflow.fire(document, "approve", demo["svc_manager"], workflow=flow)
    assert not first.done and (first.votes, first.needed) == (1, 2)
    document.refresh_from_db()
    assert document.status == RecordStatus.IN_REVIEW
    with pytest.raises(WorkflowError):  # the same approver twice does not make a quorum
        workflow.fire(document, "approve", demo["svc_manager"], workflow=flow)
    second = workflow.fire(document, "approve", demo["tsd_director"], workflow=flow)
    assert second.done and document.status == RecordStatus.APPROVED


def test_all_of_rule_and_new_round_after_return(demo):
    approvers = [demo["svc_manager"], demo["tsd_director"], demo["mr"]]
    flow = generic_review_workflow(approval=ApprovalRule(kind=ApprovalKind.ALL, approvers=lambda r: approvers))
    document = procedure(demo["svc_staff"], submit=True)
    workflow.fire(document, "approve", demo["svc_manager"], workflow=flow)
    workflow.fire(document, "approve", demo["tsd_director"], workflow=flow)
    document.refresh_from_db()
    assert document.status == RecordStatus.IN_REVIEW  # one of three still missing
    workflow.fire(document, "return", demo["mr"], "请补充", workflow=flow)
    workflow.fire(document, "submit", demo["svc_staff"], workflow=flow)
    document.refresh_from_db()
    assert document.review_round == 2
    outcome = workflow.fire(document, "approve", demo["mr"], workflow=flow)
    assert not outcome.done and outcome.votes == 1  # votes of round 1 no longer count
    for user in approvers[:2]:
        workflow.fire(document, "approve", user, workflow=flow)
    document.refresh_from_db()
    assert document.status == RecordStatus.APPROVED


def test_user_outside_the_list_cannot_vote(demo):
    flow = generic_review_workflow(approval=ApprovalRule(kind=ApprovalKind.ALL,
                                                         approvers=lambda r: [demo["tsd_director"]]))
    document = procedure(demo["svc_staff"], submit=True)
    with pytest.raises(PermissionDenied):
        workflow.fire(document, "approve", demo["svc_manager"], workflow=flow)


def test_a_one_approver_rule_with_named_approvers_admits_only_them(demo):
    flow = generic_review_workflow(approval=ApprovalRule(approvers=lambda r: [demo["tsd_director"]]))
    document = procedure(demo["svc_staff"], submit=True)
    with pytest.raises(PermissionDenied):
        workflow.fire(document, "approve", demo["svc_manager"], workflow=flow)
    document.refresh_from_db()
    assert document.status == RecordStatus.IN_REVIEW
    assert workflow.fire(document, "approve", demo["tsd_director"], workflow=flow).done


def test_a_delegate_counted_as_a_named_approver_may_approve_a_one_approver_step(demo):
    manager, member = demo["svc_manager"], demo["member"]
    flow = generic_review_workflow(approval=ApprovalRule(approvers=lambda r: [manager]))
    now = timezone.now()
    records.create(Delegation(delegator=manager, delegate=member, start=now - timedelta(hours=1),
                              end=now + timedelta(hours=1)), manager)
    document = procedure(demo["svc_staff"], submit=True)
    assert workflow.fire(document, "approve", type(member).objects.get(pk=member.pk), workflow=flow).done


def test_a_delegate_cannot_approve_what_the_delegator_wrote(demo):
    manager, member = demo["svc_manager"], demo["member"]
    now = timezone.now()
    records.create(Delegation(delegator=manager, delegate=member, start=now - timedelta(hours=1),
                              end=now + timedelta(hours=1)), manager)
    document = procedure(manager, submit=True)
    member = type(member).objects.get(pk=member.pk)
    [(approve, reasons)] = [(t, r) for t, r in workflow.available(document, member) if t.name == "approve"]
    assert reasons == ["The author of a record cannot approve it."]
    with pytest.raises(WorkflowError, match="author"):
        workflow.fire(document, "approve", member)
    document.refresh_from_db()
    assert document.status == RecordStatus.IN_REVIEW


def test_delegation_is_honoured_and_recorded(demo):
    member, manager = demo["member"], demo["svc_manager"]
    document = procedure(demo["svc_staff"], submit=True)
    with pytest.raises(PermissionDenied):
        workflow.fire(document, "approve", member)
    now = timezone.now()
    records.create(Delegation(delegator=manager, delegate=member, start=now - timedelta(hours=1),
                              end=now + timedelta(days=3), reason="出差"), manager)
    member = type(member).objects.get(pk=member.pk)  # fresh role cache
    workflow.fire(document, "approve", member, "代为批准")
    log = log_of(document).get(transition="approve")
    assert (log.user, log.on_behalf_of) == (member, manager)
    assert "on behalf of" in audit.history_for(document).last().object_repr


def test_delegation_counts_as_the_delegators_vote(demo):
    manager, member = demo["svc_manager"], demo["member"]
    flow = generic_review_workflow(approval=ApprovalRule(kind=ApprovalKind.ALL,
                                                         approvers=lambda r: [manager, demo["tsd_director"]]))
    now = timezone.now()
    records.create(Delegation(delegator=manager, delegate=member, start=now - timedelta(hours=1),
                              end=now + timedelta(hours=1)), manager)
    document = procedure(demo["svc_staff"], submit=True)
    member = type(member).objects.get(pk=member.pk)
    workflow.fire(document, "approve", member, workflow=flow)
    vote = Approval.objects.get(content_type=ContentType.objects.get_for_model(document), object_id=document.pk)
    assert vote.counted_as == manager
    with pytest.raises(WorkflowError):  # the manager's vote is already in
        workflow.fire(document, "approve", manager, workflow=flow)


def test_expired_delegation_gives_nothing(demo):
    manager, member = demo["svc_manager"], demo["member"]
    now = timezone.now()
    records.create(Delegation(delegator=manager, delegate=member, start=now - timedelta(days=3),
                              end=now - timedelta(days=1)), manager)
    member = type(member).objects.get(pk=member.pk)
    document = procedure(demo["svc_staff"], submit=True)
    with pytest.raises(PermissionDenied):
        workflow.fire(document, "approve", member)


@pytest.mark.parametrize("state", ["revoked", "future"])
def test_a_revoked_or_future_delegation_gives_nothing(demo, state):
    manager, member = demo["svc_manager"], demo["member"]
    now = timezone.now()
    start = now + timedelta(days=1) if state == "future" else now - timedelta(hours=1)
    records.create(Delegation(delegator=manager, delegate=member, start=start, end=start + timedelta(days=3),
                              revoked=state == "revoked"), manager)
    member = type(member).objects.get(pk=member.pk)
    assert member.delegated_roles == {}
    document = procedure(demo["svc_staff"], submit=True)
    with pytest.raises(PermissionDenied):
        workflow.fire(document, "approve", member)


def test_stale_edit_is_refused(demo):
    document = procedure(demo["svc_staff"])
    opened_at = document.lock_version
    before = audit.snapshot(document)
    document.title = "第一次修改"
    records.update(document, demo["svc_staff"], before, expected_lock=opened_at)
    stale = type(document).objects.get(pk=document.pk)
    stale.title = "基于旧版本的修改"
    with pytest.raises(StaleEdit, match="Someone else saved"):
        records.update(stale, demo["svc_manager"], audit.snapshot(stale), expected_lock=opened_at)
    document.refresh_from_db()
    assert document.title == "第一次修改"


def test_record_in_review_cannot_be_edited(demo):
    document = procedure(demo["svc_staff"], submit=True)
    before = audit.snapshot(document)
    document.title = "偷偷修改"
    with pytest.raises(Exception, match="cannot be edited"):
        records.update(document, demo["svc_staff"], before)


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_make_one_transition(demo):
    """Two managers press approve at the same moment: exactly one transition happens."""
    document = procedure(demo["svc_staff"], submit=True)
    approvers = [demo["svc_manager"], demo["tsd_director"]]
    barrier = threading.Barrier(2)
    results = []

    def approve(user):
        try:
            barrier.wait(timeout=10)
            workflow.fire(type(document).objects.get(pk=document.pk), "approve", user)
            results.append("done")
        except TransitionConflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["conflict", "done"]
    assert log_of(document).filter(transition="approve").count() == 1
    document.refresh_from_db()
    assert document.status == RecordStatus.APPROVED
    assert not list(audit.verify_chain())


def test_new_version_then_approval_supersedes(demo):
    v1 = approved_procedure(demo["svc_staff"], demo["svc_manager"])
    v2 = records.new_version(v1, demo["svc_staff"])
    assert (v2.number, v2.version, v2.status) == (v1.number, 2, RecordStatus.DRAFT)
    v1.refresh_from_db()
    assert v1.status == RecordStatus.APPROVED  # stays in force while v2 is drafted
    with pytest.raises(Exception, match="newer version"):
        records.new_version(v1, demo["svc_staff"])
    workflow.fire(v2, "submit", demo["svc_staff"])
    workflow.fire(v2, "approve", demo["svc_manager"])
    v1.refresh_from_db()
    assert v1.status == RecordStatus.SUPERSEDED
