"""Edit forms; child rows are inline formsets written by `save_related` in the parent's transaction."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from catalog.forms import priority_formset
from catalog.models import ServiceTier
from core.choices import RecordStatus
from core.forms import ControlledRecordForm, FormsetFormMixin, ModelForm, RowFormSet, save_formset

from . import services
from .models import (
    PresalesProposal,
    ProposalLine,
    ProposalLineTarget,
    RequirementSkill,
    RequirementTarget,
    ServiceRequirement,
    StaffSkill,
)

NUMBER = forms.NumberInput(attrs={"min": 0})


def compact_text_areas(form, rows=3):
    """Many free-text fields on one page: short boxes that grow as the user types (browser resize handle)."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = rows


# ---- service requirements ------------------------------------------------------------------------

RequirementSkillFormSet = inlineformset_factory(ServiceRequirement, RequirementSkill, formset=RowFormSet,
                                                fields=("skill", "level", "headcount"), extra=2, can_delete=True)


class ServiceRequirementForm(FormsetFormMixin, ControlledRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = ServiceRequirement
        fields = ["title", "kind", "customer", "contract", "owner_department", "confidentiality", "participants",
                  "goals", "scope", "requirements", "strategy", "delivery_approach", "impact_technology",
                  "impact_regulation", "impact_user_environment", "service_window", "availability_percent",
                  "rto_minutes", "rpo_minutes", "continuity_notes", "users", "devices", "tickets_per_month",
                  "change_note"]
        widgets = {"participants": forms.SelectMultiple(attrs={"size": 6})}

    # A change names one of the chosen customer's contracts (reloaded when the customer changes).
    dependent_choices = {"contract": ("customer", "customer_id")}
    fieldsets = (
        (_("Customer and record"), ("title", "kind", "customer", "contract", "owner_department", "confidentiality",
                                    "participants")),
        (_("What the customer needs"), ("goals", "scope", "requirements", "strategy", "delivery_approach")),
        (_("Service levels and volume"), ("service_window", "availability_percent", "rto_minutes", "rpo_minutes",
                                          "continuity_notes", "users", "devices", "tickets_per_month")),
        (_("Impact of changes"), ("impact_technology", "impact_regulation", "impact_user_environment",
                                  "change_note")),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from org.models import User

        self.fields["participants"].queryset = User.objects.filter(is_active=True).select_related("department") \
            .order_by("department__code", "username")
        self.fields["participants"].label_from_instance = lambda u: f"{u} · {u.department or '—'}"
        self.fields["customer"].required = True
        if user is not None and not self.instance.pk:
            self.fields["participants"].initial = [user.pk]
        compact_text_areas(self)
        self.build_formsets(self.data or None, self.files or None)

    def get_formset_classes(self):
        return {"targets": priority_formset(ServiceRequirement, RequirementTarget,
                                            ("priority", "response_minutes", "resolution_minutes"), self.instance),
                "skills": RequirementSkillFormSet}

    def save_related(self, user):
        self.save_formsets(user)


# ---- staff skills ------------------------------------------------------------------------------

class StaffSkillForm(ModelForm):
    class Meta:
        model = StaffSkill
        fields = ["user", "skill", "level", "free_capacity_percent", "notes"]


# ---- pre-sales proposal ------------------------------------------------------------------------

class ProposalLineRowForm(forms.ModelForm):
    class Meta:
        model = ProposalLine
        fields = ["tier", "price", "notes"]
        widgets = {"notes": forms.TextInput(), "price": NUMBER}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = [self.instance.tier_id] if self.instance.pk else []
        self.fields["tier"].queryset = (ServiceTier.objects.in_force() | ServiceTier.objects.filter(pk__in=current)) \
            .select_related("service").order_by("service__code", "name")
        self.fields["tier"].label_from_instance = lambda t: f"{t.service.name} · {t.name} ({t.number} v{t.version})"


ProposalLineFormSet = inlineformset_factory(PresalesProposal, ProposalLine, form=ProposalLineRowForm,
                                            formset=RowFormSet, extra=1, can_delete=True)


class PresalesProposalForm(FormsetFormMixin, ControlledRecordForm):
    formset_classes = {"lines": ProposalLineFormSet}

    class Meta(ControlledRecordForm.Meta):
        model = PresalesProposal
        fields = ["title", "requirement", "owner_department", "confidentiality", "environment_summary", "solution",
                  "capability", "risks", "price_notes", "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["requirement"].queryset = ServiceRequirement.objects.exclude(status=RecordStatus.SUPERSEDED) \
            .select_related("customer").order_by("-created")
        if self.instance.pk:  # a proposal answers one requirement for all its versions
            self.fields["requirement"].disabled = True
        compact_text_areas(self, rows=4)
        self.build_formsets(self.data or None, self.files or None)

    def clean(self):
        data = super().clean()
        data["environment_summary"] = services.starting_environment_summary(data.get("requirement"),
                                                                            data.get("environment_summary"))
        self.instance.environment_summary = data["environment_summary"]
        return data

    def save_related(self, user):
        formset = self.formsets["lines"]
        tier_changed = {form.instance.pk for form in formset.initial_forms
                        if form.instance.pk and "tier" in form.changed_data and not formset._should_delete_form(form)}
        new_forms = [form for form in formset.extra_forms
                     if form.has_changed() and not formset._should_delete_form(form)]
        save_formset(formset, user)
        for form in new_forms:
            services.apply_tier(form.instance, user)
        for line in ProposalLine.objects.filter(pk__in=tier_changed):
            services.apply_tier(line, user)


class ProposalLineForm(FormsetFormMixin, ModelForm):
    """Adjust one line's draft SLA (copied from its tier) and price."""

    class Meta:
        model = ProposalLine
        fields = ["proposal", "tier", "service_window", "availability_target", "rto_minutes", "rpo_minutes",
                  "max_tickets_per_month", "max_users", "max_devices", "price", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["proposal"].disabled = True
            self.fields["tier"].disabled = True
        else:  # a new line starts from its tier; its SLA is adjusted once it exists
            for name in list(self.fields):
                if name not in ("proposal", "tier", "price", "notes"):
                    del self.fields[name]
            self.fields["proposal"].queryset = PresalesProposal.objects.filter(
                status__in=(RecordStatus.DRAFT, RecordStatus.RETURNED))
            self.fields["tier"].queryset = ServiceTier.objects.in_force().select_related("service")
        compact_text_areas(self, rows=2)
        self.build_formsets(self.data or None, self.files or None)

    def get_formset_classes(self):
        if not self.instance.pk:
            return {}
        return {"targets": priority_formset(ProposalLine, ProposalLineTarget,
                                            ("priority", "response_minutes", "resolution_minutes", "target_percent"),
                                            self.instance)}

    def save_related(self, user):
        if "targets" in self.formsets:
            self.save_formsets(user)
        else:
            services.apply_tier(self.instance, user)
