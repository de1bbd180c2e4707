"""The closure stage's part of the demo company: one project summarised, reviewed, accepted and closed."""


def load(context):
    pass


# ---- internal review and acceptance certificate ------------------------------------------------------
def review_and_acceptance(project, users, *, deviation="", accept_as=None, request_from=None):
    """The project's internal review (the criteria the contract and plan give, each judged by a reviewer of its
    department; `deviation`: the last criterion passes with that accepted deviation), the certificate generated from
    it and approved by the Service Department manager, acceptance requested and, with `accept_as` (a customer
    contact's user), accepted in the customer view. Every step through the services; idempotent."""
    from core import workflow
    from core.context import acting_as

    from .models.acceptance import CertificateStatus
    from .models.review import ReviewStatus
    from .services import acceptance, review

    pm, manager = users["pm"], users["svc_manager"]
    reviewers = {users[name].department_id: users[name] for name in ("svc_staff", "tsd_staff")}
    current = review.review_of(project)
    if current is None:
        with acting_as(pm, request_id="load_demo"):
            current = review.start_review(project, pm)
            workflow.fire(current, "submit", pm)
    if current.status == ReviewStatus.IN_REVIEW:
        criteria = list(current.criteria.order_by("pk"))
        for criterion in criteria:
            current.refresh_from_db()
            if current.status != ReviewStatus.IN_REVIEW:
                break
            if criterion.verdicts.filter(review_round=current.review_round).exists():
                continue
            reviewer = reviewers.get(criterion.department_id) or manager
            last = criterion == criteria[-1]
            with acting_as(reviewer, request_id="load_demo"):
                review.give_verdict(criterion, reviewer, "deviation" if deviation and last else "pass",
                                    deviation=deviation if last else "")
        current.refresh_from_db()
    if current.status != ReviewStatus.APPROVED:
        return current, None
    cert = acceptance.certificate_of(project)
    if cert is None:
        with acting_as(pm, request_id="load_demo"):
            cert = acceptance.generate_certificate(current, pm)
    if cert.status == CertificateStatus.DRAFT:
        with acting_as(pm, request_id="load_demo"):
            workflow.fire(cert, "submit", pm)
        with acting_as(manager, request_id="load_demo"):
            workflow.fire(cert, "approve", manager, "同意提请客户验收")
        cert.refresh_from_db()
    if cert.status == CertificateStatus.APPROVED and request_from is not False:
        contacts = request_from if request_from is not None else \
            list(cert.customer.contacts.exclude(email="").order_by("-primary", "name")[:1])
        with acting_as(pm, request_id="load_demo"):
            acceptance.request_acceptance(cert, pm, contacts)
        cert.refresh_from_db()
    if cert.status == CertificateStatus.REQUESTED and accept_as is not None:
        with acting_as(accept_as, request_id="load_demo"):
            contact = acceptance.contact_of(accept_as, cert) or cert.customer.contacts.order_by("-primary").first()
            acceptance.decide_in_portal(cert, accept_as, "accepted", "验收通过，同意结项。",
                                        signer_title=getattr(contact, "job_title", "") or "项目负责人")
        cert.refresh_from_db()
    return current, cert
