from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from catalog.forms import priority_formset
from catalog.models import ServiceTier
from core.forms import ControlledRecordForm, FormsetFormMixin, RowFormSet
from org.models import Department

from .choices import SignedStatus, Verdict
from .models import (
    Contract,
    ContractReview,
    ContractService,
    PaymentMilestone,
    ReviewOpinion,
    ServiceLevelAgreement,
    SlaTarget,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractServiceRowForm(forms.ModelForm):
    class Meta:
        model = ContractService
        fields = ["tier", "price", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = [self.instance.tier_id] if self.instance.pk else []
        self.fields["tier"].queryset = (ServiceTier.objects.in_force() | ServiceTier.objects.filter(pk__in=current)) \
            .select_related("service").order_by("service__code", "name")
        self.fields["tier"].label_from_instance = lambda t: f"{t.service.name} · {t.name} ({t.number} v{t.version})"


ServiceLineFormSet = inlineformset_factory(Contract, ContractService, form=ContractServiceRowForm,
                                           formset=RowFormSet, extra=1, can_delete=True)
MilestoneFormSet = inlineformset_factory(Contract, PaymentMilestone, formset=RowFormSet,
                                         fields=("name", "due_date", "amount", "condition"),
                                         widgets={"due_date": DATE}, extra=1, can_delete=True)


class ContractForm(FormsetFormMixin, ControlledRecordForm):
    formset_classes = {"service_lines": ServiceLineFormSet, "milestones": MilestoneFormSet}
    fieldsets = (
        (_("Parties and term"), ("title", "customer", "owner_department", "start_date", "end_date",
                                 "customer_signatory", "company_signatory", "confidentiality", "retention_years")),
        (_("Service, capacity and payment"), ("value", "service_tier", "calendar", "monthly_ticket_limit",
                                              "user_limit", "payment_terms", "involves_procurement", "change_note")),
    )

    class Meta(ControlledRecordForm.Meta):
        model = Contract
        fields = ["title", "customer", "owner_department", "start_date", "end_date", "value", "service_tier",
                  "calendar", "monthly_ticket_limit", "user_limit", "customer_signatory", "company_signatory",
                  "service_sites", "payment_terms", "renewal_terms", "termination_terms", "confidentiality_terms",
                  "involves_procurement", "confidentiality", "retention_years", "change_note"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        current = [self.instance.service_tier_id] if self.instance.pk else []
        self.fields["service_tier"].queryset = (ServiceTier.objects.in_force()
                                                | ServiceTier.objects.filter(pk__in=current)).select_related("service")
        if self.instance.pk and self.instance.predecessor_id:  # a change stays with the same customer
            self.fields["customer"].disabled = True
        self.build_formsets(self.data or None, self.files or None)

    def save_related(self, user):
        self.save_formsets(user)


class SignForm(forms.Form):
    """Who signed for each party, with title and date (contracts.services.sign_contract)."""

    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(parties)
        fields = {}
        for value, _label in self.parties:
            fields[f"{value}_name"] = forms.CharField(label=_("Full name"), max_length=100)
            fields[f"{value}_title"] = forms.CharField(label=_("Job title"), max_length=100)
            fields[f"{value}_signed_on"] = forms.DateField(label=_("Signed on"), widget=DATE)
        self.fields = {**fields, **self.fields}
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for value, _label in self.parties:
            day = data.get(f"{value}_signed_on")
            if day and day > today:
                self.add_error(f"{value}_signed_on", _t("A signature cannot be dated in the future."))
        return data

    def party_fields(self):
        """[(party label, [bound fields])] for the template: one card per party."""
        return [(label, [self[f"{value}_{name}"] for name in ("name", "title", "signed_on")])
                for value, label in self.parties]

    def signatories(self):
        data = self.cleaned_data
        return {value: {name: data[f"{value}_{name}"] for name in ("name", "title", "signed_on")}
                for value, _label in self.parties}


class FromProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE, required=False,
                               help_text=_("Empty: one year from the start."))
    effective_from = forms.DateField(label=_("SLA effective from"), widget=DATE, required=False,
                                     help_text=_("For a change: the date the changed SLA takes effect. Empty: the "
                                                 "start date."))
    owner_department = forms.ModelChoiceField(label=_("Drafting department"), queryset=Department.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _t("The contract cannot end before it starts."))
        return data


class ServiceLevelAgreementForm(FormsetFormMixin, ControlledRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = ServiceLevelAgreement
        fields = ["title", "effective_from", "owner_department", "confidentiality", "service_window",
                  "availability_target", "rto_minutes", "rpo_minutes", "continuity", "max_tickets_per_month",
                  "max_users", "max_devices", "change_note"]
        widgets = {"effective_from": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.build_formsets(self.data or None, self.files or None)

    def get_formset_classes(self):
        return {"targets": priority_formset(ServiceLevelAgreement, SlaTarget,
                                            ("priority", "response_minutes", "resolution_minutes", "target_percent"),
                                            self.instance)}

    def save_related(self, user):
        self.save_formsets(user)


class ContractReviewForm(ControlledRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = ContractReview
        fields = ["contract", "title", "owner_department", "confidentiality", "extra_departments", "conclusion",
                  "change_note"]
        widgets = {"extra_departments": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["title"].required = False
        self.fields["extra_departments"].widget.attrs.pop("class", None)
        self.fields["contract"].queryset = Contract.objects.exclude(status__in=(SignedStatus.SIGNED,
                                                                                SignedStatus.SUPERSEDED)) \
            .select_related("customer")
        if self.instance.pk:  # a review stays with its contract, even once that is signed (a new review version)
            self.fields["contract"].disabled = True
            self.fields["contract"].queryset = Contract.objects.filter(pk=self.instance.contract_id)

    def save_related(self, user):
        from .services import request_opinions_after_save

        request_opinions_after_save(self.instance, user)


class OpinionForm(forms.ModelForm):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)

    class Meta:
        model = ReviewOpinion
        fields = ["verdict", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3, "class": "form-control"})}
