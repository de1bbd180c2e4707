"""Issue 12 in a real browser: closing a project (SP-4.5.2, SP-4.5.3).

From a project at its end (tests/browser/closure_data.py: the contract period over, the tasks done but one, the
monthly reports issued): the Service Department gives the customer's contact a sign-in; the contact sees only
their own organisation and rates a month's service; the PM starts the closure and the Service Department manager's
"Close project" is refused with the open items, one handed over with a reason; the PM drafts the summary report
from the data, the manager approves it; the internal review with two departments, one criterion failing and then
passing after the PM adds the evidence; the certificate generated, approved, acceptance requested; the contact
signs in and accepts; the project closes. Then the same acceptance through a one-time link opened in a second
browser context without a ServPlan account (in English), and the used link refused.
Screenshots taken here illustrate the guide's closure chapter.
"""

import re

import pytest
from django.core import mail

from conftest import TableCopy

from .closure_data import CONTACT, HANDOVER_TASK, TSD_OBJECTIVE, ended_project
from .conftest import click_and_wait, english_page, login, logout, shot, transition

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("immediate_tasks")]

CUSTOMER_LOGIN = "qian.lixin"
OTHER_CUSTOMERS = ("温州", "杭州联合银行", "宁波第一医院")


ENDED = TableCopy()  # the demo company with the ended project, as the first test found it
_built = []


@pytest.fixture
def ended(demo):
    """The ended project: built through the services for the first test, put back from its copy for the next."""
    if not _built:
        _built.append(ended_project(demo))
        ENDED.take()
        return _built[0]
    ENDED.put_back()
    return _built[0].read_again()


def save(page, url_pattern):
    page.click("#save-button")
    page.wait_for_url(re.compile(url_pattern))


def as_user(page, live_server, username, url):
    logout(page)
    login(page, live_server, username)
    page.goto(f"{live_server.url}{url}")


def customer_login(page, live_server, username, password):
    """A customer contact signs in through the same login form and lands on their own view, /portal/."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    page.wait_for_url(f"{live_server.url}/portal/")


def status_of(record):
    record.refresh_from_db()
    return record.status


def give_sign_in(page, live_server, contact):
    """The Service Department gives the contact a sign-in; the one-time password is shown once."""
    login(page, live_server, "svc_staff")
    page.goto(f"{live_server.url}/portal/contact/{contact.pk}/sign-in/")
    page.fill("#id_username", CUSTOMER_LOGIN)
    click_and_wait(page, "#give-sign-in")
    password = page.locator("#given-password").inner_text().strip()
    assert page.locator("#given-username").inner_text().strip() == CUSTOMER_LOGIN and len(password) >= 8
    logout(page)
    return password


def test_summary_review_and_acceptance_in_the_customer_view(page, live_server, demo, ended):
    from closure.models import AcceptanceCertificate, InternalReview, ProjectClosure, SummaryReport
    from reporting.models import MonthlyServiceReport, SatisfactionResponse
    from servicedata.models import Ticket

    project, contract = ended.project, ended.contract
    password = give_sign_in(page, live_server, ended.contact)

    # The contact signs in: only their own organisation's contract and issued reports, nothing of other customers.
    customer_login(page, live_server, CUSTOMER_LOGIN, password)
    assert "苏州轨道交通" in page.locator("#portal-organisation").inner_text()
    contracts_text = page.locator("#portal-contracts").inner_text()
    reports_text = page.locator("#portal-reports").inner_text()
    assert contract.number in contracts_text
    for report in ended.reports:
        assert report.number in reports_text
    for other in OTHER_CUSTOMERS:
        assert other not in contracts_text and other not in reports_text
    foreign = MonthlyServiceReport.objects.exclude(contract__customer=contract.customer).filter(status="issued").first()
    assert foreign is not None, "the demo company has another customer's issued report"
    page.problems.expect("404")
    for url in (f"/portal/monthlyservicereport/{foreign.pk}/", foreign.get_absolute_url(), project.get_absolute_url()):
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 404, url
    page.goto(f"{live_server.url}/portal/")
    shot(page, "closure-01-customer-view")
    # They rate August's service from the survey waiting in their view: the summary report reads the answer.
    page.locator(".survey-waiting", has_text=ended.reports[-1].contract.number).last.locator("a").click()
    page.wait_for_load_state()
    page.check("input[name='score'][value='5']")
    page.fill("#id_comment", "网络运行稳定，响应及时。")
    click_and_wait(page, "#send-answer")
    assert not page.locator(".survey-waiting", has_text=ended.reports[-1].period_label).count()
    assert SatisfactionResponse.objects.filter(contract__number=contract.number, score=5).count() == 1
    logout(page)

    # The PM starts the closure and requests it; the manager's "Close project" is refused with the open items.
    login(page, live_server, "pm")
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    click_and_wait(page, "#next-close-project")
    save(page, r"/closure/projectclosure/\d+/$")
    closure = ProjectClosure.objects.get(project=project)
    open_labels = page.locator("#checklist-table .checklist-open").all_inner_texts()
    assert any(HANDOVER_TASK in label for label in open_labels), open_labels
    transition(page, "request")
    as_user(page, live_server, "svc_manager", closure.get_absolute_url())
    close = page.locator("#transition-close")
    assert close.is_disabled() and HANDOVER_TASK in close.get_attribute("title"), close.get_attribute("title")
    assert status_of(closure) == "in_review"
    shot(page, "closure-02-close-refused")
    # The knowledge-base handover goes to the Service Department's engineer, with the reason recorded.
    row = page.locator("#checklist-table tr", has_text=HANDOVER_TASK)
    page.select_option("#dispose-item", row.get_attribute("data-key"))
    page.select_option("#id_kind", "handed_over")
    page.select_option("#id_owner", str(demo["svc_staff"].pk))
    page.fill("#id_reason", "知识库剩余条目移交常规运维组，两周内完成。")
    click_and_wait(page, "#dispose-button")
    assert page.locator("#dispositions .disposition-row", has_text=HANDOVER_TASK).count() == 1
    logout(page)

    # The PM drafts the summary report from the data (from the project page's next step) and submits it.
    login(page, live_server, "pm")
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    click_and_wait(page, "#next-write-summary-report")
    page.fill("#id_conclusion", "项目按合同完成三个月网络运维服务，SLA 总体达标。")
    page.fill("#id_handover", "运维知识库剩余条目移交服务部常规运维组。")
    page.select_option("#id_lessons-0-kind", "to_improve")
    page.fill("#id_lessons-0-description", "夜间值守人手不足，部分 P2 工单响应超时。")
    page.fill("#id_lessons-0-recommendation", "后续项目按工单量配置夜间值班。")
    save(page, r"/closure/summaryreport/\d+/$")
    summary = SummaryReport.objects.get(project=project)
    assert summary.generated
    volume = summary.snapshot["service"]["volume"]["total"] if "service" in summary.snapshot else None
    if volume is not None:
        assert volume == Ticket.objects.filter(contract__number=contract.number).count()
    assert page.locator("#tasks-table tbody tr").count() == project.baseline().tasks.count()
    page.wait_for_selector("#chart-priority[data-ready='1']")
    page.wait_for_selector("#chart-trend[data-ready='1']")
    assert page.locator("#satisfaction-line").count() >= 1, "the contact's answer is in the summary"
    shot(page, "closure-03-summary-report")
    transition(page, "submit")
    as_user(page, live_server, "svc_manager", summary.get_absolute_url())
    transition(page, "approve", "同意。")
    assert status_of(summary) == "approved"

    # The PM starts the internal review: criteria from the contract and the plan, two departments judging them.
    as_user(page, live_server, "pm", project.get_absolute_url())
    click_and_wait(page, "#next-start-internal-review")
    tsd_proposal = page.locator("#proposed-criteria tr", has_text=TSD_OBJECTIVE)
    assert "技术服务事业部" in tsd_proposal.inner_text()
    shot(page, "closure-04-review-start")
    click_and_wait(page, "#start-review")
    review = InternalReview.objects.get(project=project)
    departments = page.locator("#review-departments").inner_text()
    assert "服务部" in departments and "技术服务事业部" in departments, departments
    transition(page, "submit")
    assert status_of(review) == "in_review"

    # The Technical Service Division fails its criterion: no emergency drill was recorded.
    tsd_row = f".criterion-row:has-text('{TSD_OBJECTIVE}')"
    as_user(page, live_server, "tsd_staff", review.get_absolute_url())
    give_verdict(page, tsd_row, "fail", comment="未见应急演练记录。")
    # The Service Department passes every other criterion; the last verdict returns the review to the PM.
    as_user(page, live_server, "svc_manager", review.get_absolute_url())
    unjudged = ".criterion-row[data-verdict='']:has(.verdict-form)"
    for _ in range(review.criteria.count()):
        waiting = page.locator(unjudged).count()
        if not waiting:
            break
        give_verdict(page, unjudged, "pass")
        assert page.locator(unjudged).count() < waiting, page.locator(".alert").all_inner_texts()
    assert status_of(review) == "returned"
    assert page.locator(f"{tsd_row} .verdict-badge").inner_text().strip() == "不通过" or \
        page.locator(tsd_row).get_attribute("data-verdict") == "fail"
    shot(page, "closure-05-review-failed")

    # The PM adds the drill record as evidence and asks again; the division passes it: the review passes.
    as_user(page, live_server, "pm", review.get_absolute_url())
    page.set_input_files("#attachment-file", files=[{"name": "应急演练记录.pdf", "mimeType": "application/pdf",
                                                     "buffer": b"%PDF-1.4\n% drill record\n"}])
    click_and_wait(page, "#attachment-upload")
    transition(page, "submit")
    as_user(page, live_server, "tsd_staff", review.get_absolute_url())
    give_verdict(page, tsd_row, "pass", comment="已补充 2026-08-20 应急演练记录。")
    assert status_of(review) == "approved"
    shot(page, "closure-06-review-passed")

    # The certificate is generated from the passed review, approved internally, and acceptance requested.
    as_user(page, live_server, "pm", review.get_absolute_url())
    click_and_wait(page, "#generate-certificate")
    certificate = AcceptanceCertificate.objects.get(project=project)
    transition(page, "submit")
    as_user(page, live_server, "svc_manager", certificate.get_absolute_url())
    transition(page, "approve", "同意提交客户验收。")
    transition(page, "request")
    click_and_wait(page, "#request-button")
    assert status_of(certificate) == "requested"
    logout(page)

    # The contact signs in and accepts in their own view.
    customer_login(page, live_server, CUSTOMER_LOGIN, password)
    page.locator(".acceptance-request a").first.click()
    page.wait_for_load_state()
    shot(page, "closure-07-customer-accepts")
    page.check("input[name='decision'][value='accepted']")
    page.fill("#id_signer_title", CONTACT["job_title"])
    page.fill("#id_comments", "同意验收。")
    page.select_option("#id_score", "5")
    click_and_wait(page, "#respond-submit")
    assert status_of(certificate) == "accepted"
    acceptance = certificate.acceptances.get()
    assert acceptance.method == "portal" and acceptance.user.username == CUSTOMER_LOGIN
    assert SatisfactionResponse.objects.filter(contract__number=contract.number, occasion="acceptance").count() == 1
    assert len(acceptance.document_sha256) == 64
    logout(page)

    # Every item settled: the manager closes the project.
    login(page, live_server, "svc_manager")
    page.goto(f"{live_server.url}{closure.get_absolute_url()}")
    assert not page.locator("#checklist-table .checklist-open").count()
    transition(page, "close", "项目验收通过，同意关闭。")
    assert status_of(closure) == "approved"
    assert status_of(project) == "closed"
    shot(page, "closure-08-project-closed")


def give_verdict(page, row_selector, verdict, comment="", deviation=""):
    form = page.locator(row_selector).first.locator(".verdict-form")
    form.locator("select").select_option(verdict)
    if comment:
        form.locator("textarea").first.fill(comment)
    if deviation:
        form.locator("textarea").nth(1).fill(deviation)
    form.locator("button").click()
    page.wait_for_load_state()


# ---- the same acceptance through a one-time link, without a ServPlan account (English) --------------------------

def ready_for_acceptance(ended, demo):
    """Through the services: the summary approved, the review passed (every criterion judged by its department),
    the certificate generated and approved, the last task done; the PM has requested the closure."""
    from closure.models import ProjectClosure
    from closure.services import acceptance, summary
    from closure.services import review as reviews
    from core import records, workflow
    from core.context import acting_as
    from projects.services import record_progress

    project, pm, manager = ended.project, demo["pm"], demo["svc_manager"]
    reviewers = {demo["svc_manager"].department_id: demo["svc_manager"],
                 demo["tsd_staff"].department_id: demo["tsd_staff"]}
    with acting_as(pm):
        task = project.baseline().tasks.get(name=HANDOVER_TASK)
        record_progress(project, task.key, pm, percent_complete=100, state="done", actual_end=task.planned_end)
        report = summary.create_and_generate(project, pm, conclusion="项目按合同完成。")
        workflow.fire(report, "submit", pm)
    with acting_as(manager):
        workflow.fire(report, "approve", manager, "同意")
    with acting_as(pm):
        review = reviews.start_review(project, pm)
        workflow.fire(review, "submit", pm)
    for criterion in review.criteria.all():
        reviewer = reviewers[criterion.department_id]
        with acting_as(reviewer):
            reviews.give_verdict(criterion, reviewer, "pass")
    review.refresh_from_db()
    assert review.status == "approved"
    with acting_as(pm):
        certificate = acceptance.generate_certificate(review, pm)
        workflow.fire(certificate, "submit", pm)
    with acting_as(manager):
        workflow.fire(certificate, "approve", manager, "同意")
    with acting_as(pm):
        closure = records.create(ProjectClosure(project=project, title=f"{project.name} 项目关闭",
                                                owner_department=pm.department), pm)
        workflow.fire(closure, "request", pm)
    certificate.refresh_from_db()
    return certificate, closure


def test_acceptance_through_a_one_time_link_without_an_account(browser, live_server, demo, ended):
    certificate, closure = ready_for_acceptance(ended, demo)
    context, page = english_page(browser, live_server)
    signer_context, signer = english_page(browser, live_server)
    try:
        # The PM requests acceptance and sends a one-time link to the customer's contact.
        login(page, live_server, "pm")
        page.goto(f"{live_server.url}{certificate.get_absolute_url()}")
        transition(page, "request")
        page.check(f"input[name='contacts'][value='{ended.contact.pk}']")
        shot(page, "closure-09-request-acceptance.en")
        mail.outbox.clear()
        click_and_wait(page, "#request-button")
        assert status_of(certificate) == "requested"
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [CONTACT["email"]]
        url = re.search(r"https?://\S+/closure/sign/[^/\s]+/", mail.outbox[0].body).group(0)
        assert mail.outbox[0].attachments[0][2] == "application/pdf"

        # The contact opens it in another browser, signed in nowhere: reads the certificate, confirms and accepts.
        signer.goto(url)
        assert signer.locator("#current-user").count() == 0
        assert certificate.number in signer.content()
        signer.fill("#id_signer_name", CONTACT["name"])
        signer.fill("#id_signer_title", CONTACT["job_title"])
        signer.fill("#id_signer_organisation", "苏州轨道交通集团")
        signer.check("input[name='decision'][value='accepted']")
        signer.check("#id_confirm")
        shot(signer, "closure-10-sign-by-link.en")
        click_and_wait(signer, "#sign-submit")
        assert status_of(certificate) == "accepted"
        acceptance = certificate.acceptances.get()
        assert (acceptance.method, acceptance.signer_name, acceptance.user) == ("link", CONTACT["name"], None)
        assert len(acceptance.document_sha256) == 64
        shot(signer, "closure-11-signed.en")

        # The link was for one use: opened again, it is refused and shows nothing of the certificate.
        signer.problems.expect("410", "Gone")
        response = signer.goto(url)
        assert response.status == 410
        assert certificate.number not in signer.content()

        # Every item settled: the Service Department manager closes the project.
        logout(page)
        login(page, live_server, "svc_manager")
        page.goto(f"{live_server.url}{closure.get_absolute_url()}")
        assert not page.locator("#checklist-table .checklist-open").count()
        transition(page, "close", "Accepted by the customer; closing.")
        assert status_of(closure) == "approved" and status_of(ended.project) == "closed"
        shot(page, "closure-12-closed.en")
    finally:
        problems = page.problems.items + signer.problems.items
        context.close()
        signer_context.close()
    assert not problems, "the browser reported errors:\n" + "\n".join(problems)
