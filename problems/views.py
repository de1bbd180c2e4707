"""Pages of problem management: the problem's list, record page (analysis, computed SLA conformance, tasks,
verification), form; a task recorded as done; the candidates from the service data and "Open problem"."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _t
from django.views import View

from contracts.models import Contract
from core.permissions import allowed
from core.responses import error_html
from core.views import ObjectDetailView, ObjectEditView, RecordViews, hx_redirect
from servicedata.models import Ticket

from . import candidates as found
from . import services
from .choices import ProblemStatus
from .filtersets import ProblemFilterSet
from .forms import ProblemForm
from .models import Problem, SolutionTask
from .tables import ProblemTable

WORK_STATES = (ProblemStatus.APPROVED, ProblemStatus.IMPLEMENTING, ProblemStatus.VERIFICATION)


class ProblemEditView(ObjectEditView):
    """?contract= (from the contract's page) chooses the contract; ?ticket= (from a ticket's page) also links the
    ticket and takes its category and configuration item."""

    def get_initial(self):
        initial = super().get_initial()
        value = self.request.GET.get("contract", "")
        if self.object is None and value.isdigit():
            contract = Contract.objects.restrict(self.request.user, "view").filter(pk=value).first()
            if contract is not None:
                initial["contract"] = contract
        ticket_id = self.request.GET.get("ticket", "")
        if self.object is None and ticket_id.isdigit():
            ticket = Ticket.objects.restrict(self.request.user, "view").filter(pk=ticket_id).first()
            if ticket is not None:
                initial.update(contract=ticket.contract, tickets=[ticket], category=ticket.category,
                               configuration_item=ticket.configuration_item,
                               title=" · ".join(p for p in (ticket.category, ticket.configuration_item) if p)
                               or ticket.summary[:200])
        return initial


class ProblemDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problem, user = self.object, self.request.user
        frozen = problem.snapshot or {}
        tasks = list(problem.tasks.select_related("owner"))
        may_work = problem.status in WORK_STATES
        context.update(
            causes=list(problem.causes.all()),
            conformance=frozen.get("sla") if "sla" in frozen else services.sla_conformance(problem),
            conformance_frozen="sla" in frozen,
            verification=frozen.get("verification") if "verification" in frozen else services.verification(problem),
            verification_frozen="verification" in frozen,
            tickets=list(problem.tickets.order_by("-created")[:50]),
            ticket_count=problem.tickets.count(),
            items=list(problem.configuration_items.all()),
            tasks=[(task, may_work and not task.done_on and allowed(user, task, "change")) for task in tasks],
            missing=services.missing_analysis(problem) if problem.is_editable else [],
            today=date.today(),
        )
        return context


class TaskDoneView(LoginRequiredMixin, View):
    """The project team records a solution task as done (the solution approved)."""

    def post(self, request, pk, task):
        problem = get_object_or_404(Problem.objects.restrict(request.user, "view"), pk=pk)
        task = get_object_or_404(SolutionTask, pk=task, problem=problem)
        if not allowed(request.user, task, "change"):
            raise PermissionDenied
        try:
            raw = request.POST.get("done_on", "")
            services.mark_task_done(task, request.user, date.fromisoformat(raw) if raw else None)
            messages.success(request, _t("Task recorded as done."))
        except (ValidationError, ValueError) as exc:
            messages.error(request, error_html(exc) if isinstance(exc, ValidationError) else str(exc))
        return hx_redirect(request, problem.get_absolute_url() + "#tasks")


def _end(request):
    """?end=YYYY-MM-DD: the window ends at the start of that day (the reader's zone), else now."""
    from datetime import datetime, time

    from django.utils import timezone

    value = request.GET.get("end") or request.POST.get("end") or ""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time()))


def _days(request):
    value = request.GET.get("days") or request.POST.get("days") or ""
    return min(max(int(value), 7), 730) if value.isdigit() else found.WINDOW_DAYS


class CandidatesView(LoginRequiredMixin, View):
    """Recurring category / configuration-item pairs and repeated breaches, per contract or all contracts, ranked;
    "Open problem" drafts the problem with the pair's tickets linked."""

    def contracts(self, request):
        return Contract.objects.in_force().restrict(request.user, "view").select_related("customer") \
            .order_by("number")

    def get(self, request):
        if not allowed(request.user, Problem, "view"):
            raise PermissionDenied
        contracts = list(self.contracts(request))
        chosen = request.GET.get("contract", "")
        shown = [c for c in contracts if str(c.pk) == chosen] if chosen else contracts
        days, end = _days(request), _end(request)
        by_pk = {c.pk: c for c in shown}
        rows = [(c, by_pk[c.contract_id]) for c in found.candidates(shown, days=days, end=end)]
        return render(request, "problems/candidates.html", {
            "contracts": contracts, "chosen": chosen, "days": days, "rows": rows,
            "end": f"{end:%Y-%m-%d}" if end else "",
            "min_count": found.min_count(), "min_breaches": found.min_breaches(),
            "can_open": allowed(request.user, Problem, "add")})

    def post(self, request):
        contract = get_object_or_404(self.contracts(request), pk=request.POST.get("contract"))
        probe = Problem(contract=contract)
        if not allowed(request.user, probe, "add"):
            raise PermissionDenied
        try:
            problem = found.open_problem(contract, request.POST.get("category", ""),
                                         request.POST.get("configuration_item", ""), request.user,
                                         days=_days(request), end=_end(request))
        except ValidationError as exc:
            messages.error(request, error_html(exc))
            return hx_redirect(request, request.path)
        messages.success(request, _t("Problem %(number)s opened from the candidate.") % {"number": problem.number})
        return hx_redirect(request, problem.get_absolute_url())


class ProblemViews(RecordViews):
    model = Problem
    table = ProblemTable
    filterset = ProblemFilterSet
    form = ProblemForm
    edit_view = ProblemEditView
    detail_view = ProblemDetailView
    select_related = ("owner_department", "author", "contract")
    detail_fields = ("contract", "category", "configuration_item", "description", "method", "trend", "impact",
                     "risk_level", "workaround", "known_error", "known_error_on", "solution", "fixed_on",
                     "owner_department", "change_note")
