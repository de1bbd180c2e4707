"""The closure checklist's improvement items (closure.checklist, SP-4.5.2): every improvement of the project's
contract, open ones to settle before the project closes (closed, or handed over / waived by the Service
Department manager with a reason)."""

from django.utils.translation import gettext as _t

from closure.checklist import Item, checks_record_type, register

from .choices import OPEN_STATES
from .models import Improvement


@register
def contract_improvements(project):
    contract = project.contract
    if contract is None:
        return
    group = _t("Improvements")
    rows = Improvement.objects.filter(contract__number=contract.number, successor__isnull=True) \
        .exclude(status="superseded").order_by("number")
    for improvement in rows:
        what = f"{improvement.number} {improvement.title}"
        done = improvement.status not in OPEN_STATES
        label = (_t("Improvement %(what)s is closed.") if done else
                 _t("Improvement %(what)s is open (%(status)s, owner %(owner)s, due %(due)s).")) % {
            "what": what, "status": improvement.get_status_display(), "owner": improvement.owner,
            "due": f"{improvement.due_date:%Y-%m-%d}"}
        yield Item(f"improvement:{improvement.number}", label, improvement.get_absolute_url(), done=done, group=group)


checks_record_type("improvement")
