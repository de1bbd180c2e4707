from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext as _t

from core.permissions import allowed
from core.record_actions import RecordActionView
from core.views import ObjectDetailView, PrefilledEditView, RecordViews

from . import fitcheck, services
from .filtersets import (
    PresalesProposalFilterSet,
    ProposalLineFilterSet,
    ServiceRequirementFilterSet,
    StaffSkillFilterSet,
)
from .forms import PresalesProposalForm, ProposalLineForm, ServiceRequirementForm, StaffSkillForm
from .models import PresalesProposal, ProposalLine, ServiceRequirement, StaffSkill
from .tables import PresalesProposalTable, ProposalLineTable, ServiceRequirementTable, StaffSkillTable

# ---- service requirements ------------------------------------------------------------------------

class ServiceRequirementDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requirement, user = self.object, self.request.user
        context.update(
            participants=requirement.participants.select_related("department"),
            missing_participants=requirement.missing_participants(),
            priority_targets=requirement.priority_targets.all(),
            skills=requirement.skills.all(),
            proposals=requirement.proposals.select_related("author").order_by("number", "-version"),
            can_start_proposal=allowed(user, PresalesProposal, "add"),
        )
        return context


class ServiceRequirementViews(RecordViews):
    model = ServiceRequirement
    table = ServiceRequirementTable
    filterset = ServiceRequirementFilterSet
    form = ServiceRequirementForm
    select_related = ("customer", "owner_department", "author")
    detail_view = ServiceRequirementDetailView
    detail_fields = ("kind", "contract", "owner_department", "confidentiality", "goals", "scope", "requirements",
                     "strategy", "delivery_approach", "impact_technology", "impact_regulation",
                     "impact_user_environment", "continuity_notes", "change_note")


# ---- pre-sales proposals -------------------------------------------------------------------------

class PresalesProposalDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal, user = self.object, self.request.user
        lines = list(proposal.lines.select_related("service", "tier", "service_window")
                     .prefetch_related("priority_targets"))
        context.update(
            requirement=proposal.requirement,
            lines=lines,
            total_price=sum(line.price for line in lines),
            fit=fitcheck.display(proposal.fit_check),
            fit_current=proposal.fit_check_current() if proposal.fit_check else False,
            can_run_fit=context["editable"] and allowed(user, PresalesProposal, "change"),
            can_edit_lines=context["editable"] and allowed(user, ProposalLine, "change"),
        )
        return context


class ProposalEditView(PrefilledEditView):
    prefill = ("requirement",)

    def get_initial(self):
        initial = super().get_initial()
        if self.object is None and "requirement" in initial:
            requirement = ServiceRequirement.objects.restrict(self.request.user, "view") \
                .filter(pk=initial["requirement"]).select_related("customer").first()
            if requirement is not None:
                initial["title"] = _t("%(title)s: pre-sales proposal") % {"title": requirement.title}
                if requirement.customer:
                    initial["environment_summary"] = services.environment_summary(requirement.customer)
        return initial


class FitCheckView(RecordActionView):
    """POST: run the fit check on the proposal's current content and keep the result on it."""

    def act(self, obj, request):
        if not allowed(request.user, PresalesProposal, "change"):
            raise PermissionDenied
        fitcheck.run(obj, request.user)
        misses = obj.fit_check.get("misses", 0)
        if misses:
            messages.warning(request, _t("Fit check: %(n)s item(s) do not meet the requirement.") % {"n": misses})
        else:
            messages.success(request, _t("Fit check: every item meets the requirement."))


class PresalesProposalViews(RecordViews):
    model = PresalesProposal
    table = PresalesProposalTable
    filterset = PresalesProposalFilterSet
    form = PresalesProposalForm
    select_related = ("customer", "requirement", "owner_department", "author")
    detail_view = PresalesProposalDetailView
    edit_view = ProposalEditView
    detail_fields = ("owner_department", "confidentiality", "environment_summary", "solution", "capability", "risks",
                     "price_notes", "change_note")

    @classmethod
    def urls(cls):
        return [*super().urls(),
                path("presalesproposal/<int:pk>/fit-check/", FitCheckView.as_view(model=cls.model, views=cls),
                     name="presalesproposal_fit_check")]


class ProposalLineEditView(PrefilledEditView):
    prefill = ("proposal",)


class ProposalLineViews(RecordViews):
    model = ProposalLine
    table = ProposalLineTable
    filterset = ProposalLineFilterSet
    form = ProposalLineForm
    select_related = ("proposal", "service", "tier")
    edit_view = ProposalLineEditView
    detail_fields = ("proposal", "service", "tier", "service_window", "availability_target", "rto_minutes",
                     "rpo_minutes", "max_tickets_per_month", "max_users", "max_devices", "price", "notes")


class StaffSkillViews(RecordViews):
    model = StaffSkill
    table = StaffSkillTable
    filterset = StaffSkillFilterSet
    form = StaffSkillForm
    select_related = ("user",)
    detail_fields = ("user", "skill", "level", "free_capacity_percent", "notes")
