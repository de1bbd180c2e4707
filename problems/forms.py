"""The problem's form: the record, its links (tickets, configuration items), the causes and the solution's tasks."""

from datetime import timedelta

from django import forms
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from core.forms import ControlledRecordForm, FormsetFormMixin, RowFormSet
from core.rows import ensure_editable
from customers.models import ConfigurationItem
from servicedata.models import Ticket

from .models import Cause, Problem, SolutionTask

CauseFormSet = inlineformset_factory(Problem, Cause, formset=RowFormSet,
                                     fields=["position", "category", "question", "cause"], extra=2, can_delete=True)
# The Service Department plans the tasks; the project team records them done on the problem's page.
TaskFormSet = inlineformset_factory(Problem, SolutionTask, formset=RowFormSet,
                                    fields=["description", "owner", "due_on"], extra=2, can_delete=True,
                                    widgets={"due_on": forms.DateInput(attrs={"type": "date"})})
# With no contract chosen, tickets of the last months are offered (a company-wide problem).
UNSCOPED_TICKETS_DAYS = 90


class ProblemForm(FormsetFormMixin, ControlledRecordForm):
    formset_classes = {"causes": CauseFormSet, "tasks": TaskFormSet}

    fieldsets = (
        (_("Problem"), ("title", "contract", "owner_department", "description", "category", "configuration_item",
                        "tickets", "confidentiality")),
        (_("Analysis"), ("method", "trend", "impact", "risk_level", "configuration_items")),
        (_("Workaround and solution"), ("workaround", "known_error", "known_error_on", "solution", "change_note")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = Problem
        fields = ["title", "contract", "owner_department", "description", "category", "configuration_item",
                  "tickets", "confidentiality", "method", "trend", "impact", "risk_level", "configuration_items",
                  "workaround", "known_error", "known_error_on", "solution", "change_note"]
        widgets = {"known_error_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["contract"].queryset = Contract.objects.signed()
        contract = self._contract()
        linked = Q(pk__in=self.instance.tickets.values("pk")) if self.instance.pk else Q(pk__in=[])
        if contract is not None:
            tickets = Q(contract__number=contract.number)
            self.fields["configuration_items"].queryset = ConfigurationItem.objects.filter(
                Q(customer_id=contract.customer_id) | Q(pk__in=self._linked_items()))
        else:
            tickets = Q(created__gte=timezone.now() - timedelta(days=UNSCOPED_TICKETS_DAYS))
        self.fields["tickets"].queryset = Ticket.objects.filter(tickets | linked).order_by("-created")
        self.build_formsets(self.data or None, self.files or None)

    def _linked_items(self):
        return self.instance.configuration_items.values("pk") if self.instance.pk else []

    def _contract(self):
        value = self.data.get(self.add_prefix("contract")) if self.is_bound else None
        if value is None and not self.is_bound:
            value = self.initial.get("contract") or self.instance.contract_id
        value = getattr(value, "pk", value)
        return Contract.objects.filter(pk=value).first() if str(value or "").isdigit() else None

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)
