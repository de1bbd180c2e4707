"""The demo's customer contact login: 林国栋 of 温州市水务集团 (the customer whose requirement runs through the whole
procedure) signs in as `customer` and sees his organisation's shared records. Given by Sales through the portal's
service, as a person would; the demo password instead of the one-time one. Idempotent; audited."""

from core.context import acting_as
from core.demo import DEMO_PASSWORD, REQUEST_ID
from core.roles import Role
from customers.demo import CONTACTS, ENVIRONMENT_OF
from customers.models import Contact

from .services import give_sign_in

USERNAME = "customer"


def load(context):
    sales = context.users["sales"]
    contact = Contact.objects.select_related("user").get(customer__code=ENVIRONMENT_OF, name=CONTACTS[0][0])
    if contact.user is None:
        with acting_as(sales, request_id=REQUEST_ID):
            user, _password = give_sign_in(contact, sales, username=USERNAME,
                                           email=f"{USERNAME}@wzwater.example.com")
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    context.users[USERNAME] = contact.user
    # ---- the finished project: the customer's part of its closure (closure.demo): his ratings of its reports
    # first, so the summary report reads them; then the rest waiting for him ----
    from closure.demo import finish_project

    finish_project(context, contact.user)
    customer_answers(contact.user)  # reporting (D2): below
    # ---- the finished project: the customer's part of its closure (closure.demo) ----
    from closure.demo import finish_project

    finish_project(context, contact.user)
    context.messages.append(f"  {USERNAME:<14} {contact.name:<8} {Role.CUSTOMER.label} ({contact.customer})")


# ---- the customer's own answers: the report settings agreed, the issued report rated (reporting, D2) ----------
SURVEY_ANSWER = (5, "响应及时，月报清楚。")


def customer_answers(user):
    """林国栋 agrees the report settings in force and rates the issued monthly reports of 温州市水务集团, as he would
    in his own view. Idempotent: only what is still waiting for him."""
    from reporting.choices import AgreementDecision
    from reporting.services import agreement, satisfaction

    with acting_as(user, request_id=REQUEST_ID):
        for profile in agreement.waiting_for(user):
            agreement.decide(profile, user, AgreementDecision.AGREED, "同意按此内容和周期提供月报。")
        for report in satisfaction.pending_for(user):
            satisfaction.answer_report(report, user, *SURVEY_ANSWER)
