"""The report profile (report settings) follows the project plan's reporting section (SP-4.3.3 → SP-4.5.1).

The customer agrees the report's content, period and recipients in the project plan; the profile is the same
agreement in the form the monthly report reads. When a plan is approved (or on demand from the plan's page) the
contract's profile is created or brought up to date from it, so issuing a report never waits on settings another
role has to type in again.
"""

from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _t

from core import audit, records
from core.choices import RecordStatus
from core.permissions import allowed
from core.workflow import refuse
from projects.models import ProjectPlan

from ..models import ReportProfile, profile_for


def is_email(text) -> bool:
    try:
        validate_email((text or "").strip())
    except Exception:
        return False
    return True


def plan_addresses(plan) -> list[str]:
    """The e-mail addresses among the plan's recipients (a recipient may be written as a name only)."""
    return [entry.strip() for entry in plan.report_recipients or [] if is_email(entry)]


def plan_for(contract):
    """The project plan agreeing this contract's reports: the latest approved plan of a project on the contract (any
    version of it), else the latest plan."""
    plans = ProjectPlan.objects.filter(project__contract__number=contract.number).order_by("-version", "-pk")
    return plans.filter(status=RecordStatus.APPROVED).first() or plans.first()


def _values(plan):
    return {"report_period": plan.report_period, "sections": list(plan.report_sections or []),
            "recipients": plan_addresses(plan)}


def _writer(profile, plan, user):
    """Who writes the profile: the user when their role may, else the plan's author (the PM who agreed it with the
    customer), so approving a plan never fails on a right the approver's role does not need."""
    return user if allowed(user, profile, "add" if profile.pk is None else "change") else plan.author


def profile_from_plan(plan, user):
    """Create the contract's report profile from the plan, or update it: a draft in place, an approved one that
    differs by a new version (the approved one stays in force until the new one is approved). Returns the profile
    written, or the one in force when nothing changed."""
    contract = plan.project.contract
    values = _values(plan)
    comment = _t("From project plan %(number)s v%(version)s.") % {"number": plan.number, "version": plan.version}
    current = ReportProfile.objects.filter(contract__number=contract.number).order_by("-version").first()
    with transaction.atomic():
        if current is None:
            profile = ReportProfile(contract=contract, owner_department=plan.owner_department,
                                    title=_t("Report settings: %(contract)s") % {"contract": contract.title},
                                    confidentiality=contract.confidentiality, **values)
            return records.create(profile, _writer(profile, plan, user), comment=comment)
        if all(getattr(current, name) == value for name, value in values.items()):
            return current
        if current.status in (RecordStatus.DRAFT, RecordStatus.RETURNED):
            profile = current
        elif current.status == RecordStatus.IN_REVIEW:
            return current  # under review: the reviewer decides on what was submitted
        else:
            profile = records.new_version(current, _writer(current, plan, user), comment=comment)
        before = audit.snapshot(profile)
        for name, value in values.items():
            setattr(profile, name, value)
        records.update(profile, _writer(profile, plan, user), before, comment=comment)
        return profile


def may_set_up_from_plan(plan, user) -> bool:
    probe = ReportProfile(contract=plan.project.contract, owner_department=plan.owner_department)
    return allowed(user, ReportProfile, "add") and allowed(user, probe, "add")


def set_up_from_plan(plan, user):
    """The button on the plan's page: whoever may write the report may set its settings up from the plan."""
    if not may_set_up_from_plan(plan, user):
        raise PermissionDenied(_t("Your role may not set up report settings."))
    return profile_from_plan(plan, user)


def on_plan_approved(sender, record, transition, user, **kwargs):
    """core.workflow.transition_fired receiver: an approved project plan sets up its contract's report profile."""
    if sender is ProjectPlan and transition == "approve":
        profile_from_plan(record, user)


def recipients_for(report):
    """Who receives the report: the profile's recipients, else the addresses in the agreed project plan. Refused
    with a link to where they are set when neither names one."""
    profile = profile_for(report.contract)
    if profile is not None and profile.recipients:
        return list(profile.recipients)
    plan = plan_for(report.contract)
    if plan is not None and plan_addresses(plan):
        return plan_addresses(plan)
    message = _t("No customer e-mail address to send the report to: the project plan's reporting section names "
                 "none.")
    if plan is not None:
        raise refuse(message, (_t("Edit %(number)s") % {"number": plan.number},
                               reverse("projects:projectplan_edit", args=[plan.pk])
                               if plan.status in (RecordStatus.DRAFT, RecordStatus.RETURNED)
                               else plan.get_absolute_url()))
    if profile is not None:
        raise refuse(message, (_t("Edit %(number)s") % {"number": profile.number}, profile.get_absolute_url()))
    raise refuse(message, (_t("Set up the report settings"),
                           reverse("reporting:reportprofile_add") + f"?contract={report.contract_id}"))
