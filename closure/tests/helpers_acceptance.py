"""Builders for the internal review and acceptance tests: every write through the services and the workflow."""

from core import records, workflow
from core.context import acting_as
from org.models import Department
from projects.tests.helpers import approved_plan, opened_project

from ..models.review import CriterionSource, ReviewCriterion
from ..services import acceptance, review


def project_with_plan(demo):
    project = opened_project(demo)
    approved_plan(project, demo)
    return project


def started_review(project, demo, extra_department="tsd"):
    """The review with its proposed criteria and one criterion judged by a second department."""
    pm = demo["pm"]
    with acting_as(pm):
        rev = review.start_review(project, pm)
        if extra_department:
            records.create(ReviewCriterion(review=rev, criterion="监控平台割接方案经技术评审",
                                           source=CriterionSource.ADDED,
                                           department=Department.objects.get(code=extra_department),
                                           evidence="技术评审纪要"), pm)
    return rev


def submit(rev, demo):
    with acting_as(demo["pm"]):
        workflow.fire(rev, "submit", demo["pm"])
    rev.refresh_from_db()
    return rev


def judge_all(rev, demo, verdict="pass", except_ids=()):
    """Each criterion judged by a reviewer of its department (svc_staff for Service, tsd_staff for TSD)."""
    by_department = {demo["svc_staff"].department_id: demo["svc_staff"],
                     demo["tsd_staff"].department_id: demo["tsd_staff"]}
    for criterion in rev.criteria.order_by("pk"):
        if criterion.pk in except_ids:
            continue
        rev.refresh_from_db()
        if rev.status != "in_review":
            break
        if criterion.verdicts.filter(review_round=rev.review_round).exists():
            continue
        reviewer = by_department[criterion.department_id]
        with acting_as(reviewer):
            review.give_verdict(criterion, reviewer, verdict, comment="" if verdict != "fail" else "缺少证据",
                                deviation="" if verdict != "deviation" else "可接受的偏差")
    rev.refresh_from_db()
    return rev


def passed_review(demo):
    project = project_with_plan(demo)
    rev = submit(started_review(project, demo), demo)
    return judge_all(rev, demo)


def approved_certificate(rev, demo):
    pm, manager = demo["pm"], demo["svc_manager"]
    with acting_as(pm):
        cert = acceptance.generate_certificate(rev, pm)
        workflow.fire(cert, "submit", pm)
    with acting_as(manager):
        workflow.fire(cert, "approve", manager, "同意")
    cert.refresh_from_db()
    return cert


def requested_certificate(demo, contacts=True):
    rev = passed_review(demo)
    cert = approved_certificate(rev, demo)
    chosen = []
    if contacts:
        from customers.models import Contact

        contact = cert.customer.contacts.order_by("-primary", "pk").first()
        if contact is None:
            contact = Contact.objects.create(customer=cert.customer, name="陈丽", job_title="信息中心主任")
        if not contact.email:
            Contact.objects.filter(pk=contact.pk).update(email="chenli@customer.example.com")
            contact.refresh_from_db()
        chosen = [contact]
    with acting_as(demo["pm"]):
        links = acceptance.request_acceptance(cert, demo["pm"], chosen)
    cert.refresh_from_db()
    return cert, links


def customer_user(customer, demo, username="customer1"):
    """A contact of `customer` given a sign-in by the Service Department (portal.services)."""
    from customers.models import Contact
    from portal.services import give_sign_in

    contact = Contact.objects.create(customer=customer, name="陈丽", job_title="信息中心主任",
                                     email=f"{username}@customer.example.com")
    with acting_as(demo["svc_manager"]):
        user, _password = give_sign_in(contact, demo["svc_manager"], username=username)
    return user
