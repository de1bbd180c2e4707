"""Procurement's forms: the plan with its items, an item's implementation, the exception to the qualified list, the
tender with its criteria, evaluators and invited bidders, a bid received, an evaluator's scores, the proposal."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, ContractReview
from core.forms import ControlledRecordForm, Form, FormsetFormMixin, ModelForm, RowFormSet
from core.models import Attachment
from core.rows import ensure_editable
from projects.models import Project
from suppliers.models import Supplier

from .choices import PlanStatus
from .models import Bid, ProcurementItem, ProcurementPlan, Purchase, Tender, TenderCriterion, TenderEvaluator

DATE = forms.DateInput(attrs={"type": "date"})

ItemFormSet = inlineformset_factory(
    ProcurementPlan, ProcurementItem, formset=RowFormSet,
    fields=["position", "description", "category", "quantity", "unit", "unit_price", "required_by"], extra=2,
    can_delete=True, widgets={"required_by": DATE})


class ProcurementPlanForm(FormsetFormMixin, ControlledRecordForm):
    formset_classes = {"items": ItemFormSet}
    fieldsets = (
        (_("Procurement plan"), ("title", "contract", "project", "contract_review", "owner_department",
                                 "confidentiality")),
        (_("Purpose"), ("purpose", "change_note")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = ProcurementPlan
        fields = ["title", "contract", "project", "contract_review", "owner_department", "confidentiality",
                  "purpose", "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["contract"].queryset = Contract.objects.exclude(status__in=("draft", "superseded"))
        self.fields["project"].queryset = Project.objects.all()
        self.fields["contract_review"].queryset = ContractReview.objects.exclude(status="superseded")
        self.build_formsets(self.data or None, self.files or None)

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)


class PurchaseForm(ModelForm):
    """An item's implementation: the supplier, then each stage's date as it happens."""

    fieldsets = (
        (_("Supplier and order"), ("supplier", "amount", "requested_on", "ordered_on", "order_reference")),
        (_("Delivery and acceptance"), ("delivered_on", "delivered_quantity", "accepted_on", "defects",
                                        "acceptance_note")),
    )

    class Meta:
        model = Purchase
        fields = ["supplier", "amount", "requested_on", "ordered_on", "order_reference", "delivered_on",
                  "delivered_quantity", "accepted_on", "defects", "acceptance_note"]
        widgets = {name: DATE for name in ("requested_on", "ordered_on", "delivered_on", "accepted_on")} | {
            "acceptance_note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"accepted_on": _("Accepting the delivery records the supplier's performance: on time against "
                                       "the date required, with the defects found.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.filter(active=True)


class ExceptionRequestForm(Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Why this supplier, though it is not qualified (sole source, urgency, "
                                         "the customer's choice)."))


class ExceptionDecisionForm(Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=(("approve", _("Approve the exception")), ("refuse", _("Refuse it"))))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


DEFAULT_CRITERIA = ((_("Price"), 40), (_("Technical compliance"), 30), (_("Delivery time"), 15),
                    (_("After-sales service"), 15))

CriterionFormSet = inlineformset_factory(Tender, TenderCriterion, formset=RowFormSet,
                                         fields=["position", "name", "weight"], extra=1, can_delete=True)
EvaluatorFormSet = inlineformset_factory(Tender, TenderEvaluator, formset=RowFormSet, fields=["user"], extra=3,
                                         can_delete=True)
InvitationFormSet = inlineformset_factory(Tender, Bid, formset=RowFormSet, fields=["supplier", "bidder_name"],
                                          extra=3, can_delete=True)


class TenderForm(FormsetFormMixin, ControlledRecordForm):
    formset_classes = {"criteria": CriterionFormSet, "evaluators": EvaluatorFormSet, "bids": InvitationFormSet}
    dependent_choices = {"items": ("plan", "plan")}
    fieldsets = (
        (_("Tender"), ("title", "plan", "items", "method", "owner_department", "confidentiality")),
        (_("Invitation"), ("invited_on", "bid_deadline", "requirements", "change_note")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = Tender
        fields = ["title", "plan", "items", "method", "owner_department", "confidentiality", "invited_on",
                  "bid_deadline", "requirements", "change_note"]
        widgets = {"invited_on": DATE, "bid_deadline": DATE, "items": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["plan"].queryset = ProcurementPlan.objects.filter(
            status__in=(PlanStatus.DRAFT, PlanStatus.IN_REVIEW, PlanStatus.RETURNED, PlanStatus.APPROVED))
        self.fields["items"].help_text = _("None ticked: every item of the plan.")
        self.build_formsets(self.data or None, self.files or None)
        if not self.instance.pk and not self.is_bound:
            self.formsets["criteria"] = CriterionFormSet(
                instance=self.instance, prefix="criteria",
                initial=[{"position": n, "name": str(name), "weight": weight}
                         for n, (name, weight) in enumerate(DEFAULT_CRITERIA, start=1)])
            self.formsets["criteria"].extra = len(DEFAULT_CRITERIA) + 1

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)


class BidForm(ModelForm):
    """A bid received (or a bidder who came forward to an open tender)."""

    class Meta:
        model = Bid
        fields = ["supplier", "bidder_name", "price", "received_at", "attachment"]
        widgets = {"received_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, user=None, tender=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        tender = tender or self.instance.tender
        self.fields["supplier"].queryset = Supplier.objects.filter(active=True)
        self.fields["attachment"].queryset = Attachment.objects.filter(
            content_type__app_label="procurement", content_type__model="tender", object_id=tender.pk)
        self.fields["received_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class ProposeForm(Form):
    bid = forms.ModelChoiceField(label=_("Proposed winner"), queryset=Bid.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when the proposed bid is not the best ranked."))

    def __init__(self, *args, tender=None, ranked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bid"].queryset = Bid.objects.filter(pk__in=[r.bid.pk for r in ranked])
        self.fields["bid"].label_from_instance = lambda bid: next(
            f"{r.rank}. {bid.bidder} · {r.result}" for r in ranked if r.bid.pk == bid.pk)
        if ranked:
            self.fields["bid"].initial = ranked[0].bid.pk
