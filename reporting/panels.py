"""What reporting adds to earlier stages' pages (registered in ReportingConfig.ready, never imported by them)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import display
from core.extensions import register_detail_panel
from core.permissions import allowed

from .models import profile_for
from .services.profiles import may_set_up_from_plan, plan_addresses


def plan_report_settings(plan, user):
    """For the project plan's page: the report settings its reporting section set up, and a button to set them up
    (or bring them up to date) now."""
    if not plan.project_id or not plan.project.contract_id:
        return None
    return {"profile": profile_for(plan.project.contract), "addresses": plan_addresses(plan),
            "can_set_up": may_set_up_from_plan(plan, user),
            "set_up_url": reverse("reporting:profile_from_plan", args=[plan.pk])}


# ---- customer satisfaction and the customer's agreement of the report profile ----------------------------
def contract_satisfaction(contract, user):
    """For the contract's page: the survey answers per period (any version of the contract) and the average."""
    from .models import SatisfactionResponse
    from .services import satisfaction

    if not allowed(user, SatisfactionResponse, "view") or satisfaction.is_customer(user):
        return None
    answers = list(SatisfactionResponse.objects.restrict(user).filter(contract__number=contract.number)
                   .order_by("-year", "-month", "answered_at"))
    periods = {}
    for answer in answers:
        periods.setdefault((answer.year, answer.month), []).append(answer)
    rows = []
    for (year, month), group in periods.items():
        average = sum(a.score for a in group) / len(group)
        rows.append({"label": f"{year}-{month:02d}", "count": len(group), "average": average,
                     "points": satisfaction.points(average), "answers": group})
    summary = {"count": len(answers)}
    if answers:
        average = sum(a.score for a in answers) / len(answers)
        summary.update(average=average, points=satisfaction.points(average))
    add_url = None
    if allowed(user, SatisfactionResponse, "add"):
        add_url = f"{reverse('reporting:satisfactionresponse_add')}?contract={contract.pk}"
    return {"periods": rows, "summary": summary, "add_url": add_url}


def report_satisfaction(report, user):
    """For an issued monthly report's page: the customer's survey link, or (staff) the answers about it."""
    from .choices import ReportStatus
    from .models import SatisfactionResponse
    from .services import satisfaction

    if report.status != ReportStatus.ISSUED or not allowed(user, SatisfactionResponse, "view"):
        return None
    answers = SatisfactionResponse.objects.restrict(user).filter(report=report).order_by("answered_at")
    survey_url = None
    if satisfaction.may_answer(user, report):
        survey_url = reverse("reporting:satisfaction_answer", args=[report.pk])
    return {"answers": list(answers), "survey_url": survey_url}


def profile_agreement(profile, user):
    """For the report profile's page: the customer's answers on this version and, for the customer, the form."""
    from .services import agreement

    state = agreement.state(profile)
    labels = {"agreed": _("Agreed"), "changes": _("Changes requested"), "waiting": _("Not agreed yet"),
              "": _("Not approved yet")}
    answers = [{"get_decision_display": a.get_decision_display(), "version": a.version, "name": a.name,
                "comment": a.comment, "decided_at_text": display.datetime_text(a.decided_at)}
               for a in profile.agreements.order_by("-decided_at", "-pk")]
    return {"state": state, "state_label": labels[state], "answers": answers}


def register():
    register_detail_panel("projects.projectplan", "reporting/panels/plan_report_settings.html", plan_report_settings)
    register_detail_panel("contracts.contract", "reporting/panels/contract_satisfaction.html", contract_satisfaction)
    register_detail_panel("reporting.monthlyservicereport", "reporting/panels/report_satisfaction.html",
                          report_satisfaction)
    register_detail_panel("reporting.reportprofile", "reporting/panels/profile_agreement.html", profile_agreement)
