"""Edit forms. Child rows (shifts, priority targets, skills) are inline formsets saved by `save_related`,
which core.views.ObjectEditView calls in the same transaction as the parent's save."""

import zoneinfo

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import audit, records
from core.forms import ControlledRecordForm, ModelForm

from . import calendars
from .catalogue import ensure_editable, record_supporting_change
from .choices import DaySource, HolidaySource, Priority
from .models import (
    Calendar,
    CalendarDay,
    PriorityTarget,
    Service,
    ServiceFamily,
    ServiceTier,
    SkillRequirement,
    WorkingHours,
    minutes_of,
)


def save_formset(formset, user):
    """Write an inline formset's deletions, changes and additions through core.records (audited).

    The formset validated its rows as a whole, so rows skip the one-by-one sibling check while written.
    """
    model = formset.model
    existing = [f.instance.pk for f in formset.initial_forms if f.instance.pk]
    before = {row.pk: audit.snapshot(row) for row in model.objects.filter(pk__in=existing)}
    formset.save(commit=False)
    for row in formset.deleted_objects:
        records.delete(row, user)
    for row, _fields in formset.changed_objects:
        row._siblings_validated = True
        records.update(row, user, before[row.pk])
    for row in formset.new_objects:
        row._siblings_validated = True
        records.create(row, user)


class FormsetFormMixin:
    """A model form carrying inline formsets: valid only when they all are."""

    formset_classes: dict = {}

    def build_formsets(self, data=None, files=None):
        self.formsets = {name: cls(data, files, instance=self.instance, prefix=name)
                         for name, cls in self.get_formset_classes().items()}

    def get_formset_classes(self):
        return self.formset_classes

    def is_valid(self):
        valid = super().is_valid()
        return all([fs.is_valid() for fs in self.formsets.values()]) and valid

    def save_formsets(self, user):
        for formset in self.formsets.values():
            save_formset(formset, user)


class RowFormSet(forms.BaseInlineFormSet):
    """Inline rows rendered as a compact Bootstrap table."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")


# ---- calendars ------------------------------------------------------------------------------

class WorkingHoursFormSet(RowFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The rows are checked against each other as edited (clean below), not one by one against the database.
        form.instance._siblings_validated = True
        return form

    def clean(self):
        super().clean()
        rows = []
        for index, form in enumerate(self.forms, start=1):
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form) or form.errors:
                continue
            data = form.cleaned_data
            if data.get("weekday") is None or not data.get("start") or data.get("end") is None:
                continue
            rows.append((_t("Row %(n)s") % {"n": index}, data["weekday"], minutes_of(data["start"]),
                         minutes_of(data["end"], is_end=True)))
        problems = calendars.shift_problems(rows)
        if problems:
            raise forms.ValidationError(problems)


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
HoursFormSet = inlineformset_factory(Calendar, WorkingHours, formset=WorkingHoursFormSet,
                                     fields=("weekday", "start", "end"), widgets={"start": TIME, "end": TIME},
                                     extra=2, can_delete=True)


def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class CalendarForm(FormsetFormMixin, ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="Asia/Shanghai")
    holiday_years_text = forms.CharField(label=_("Years with holiday data"), required=False,
                                         help_text=Calendar._meta.get_field("holiday_years").help_text)
    seed_years = forms.CharField(label=_("Seed China holidays for years"), required=False,
                                 help_text=_("e.g. 2024-2027. Years chinese-calendar has no data for are flagged "
                                             "as missing."))
    formset_classes = {"hours": HoursFormSet}

    class Meta:
        model = Calendar
        fields = ["name", "description", "time_zone", "always_open", "adjusted_workday_hours_from",
                  "holiday_source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holiday_years_text"].initial = ", ".join(map(str, self.instance.holiday_years or []))
        self.build_formsets(self.data or None, self.files or None)

    def clean_holiday_years_text(self):
        try:
            return calendars.parse_years(self.cleaned_data["holiday_years_text"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_seed_years(self):
        try:
            return calendars.parse_years(self.cleaned_data["seed_years"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if "holiday_years_text" in data:
            self.instance.holiday_years = data["holiday_years_text"]
        if data.get("seed_years") and data.get("holiday_source") != HolidaySource.CHINA:
            self.add_error("seed_years", _t("Only a calendar with China's public holidays is seeded."))
        return data

    def save_related(self, user):
        self.save_formsets(user)
        comment = _t("Calendar edited.")
        if self.cleaned_data.get("seed_years"):
            result = calendars.seed_china_holidays(self.instance, self.cleaned_data["seed_years"], user)
            comment = result.summary()
        calendars.record_version(self.instance, user, comment)


class CalendarDayForm(ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["calendar", "date", "kind", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # moving a day to another calendar would rewrite two calendars' history at once
            self.fields["calendar"].disabled = True

    def clean(self):
        data = super().clean()
        self.instance.source = DaySource.MANUAL  # edited by a person: re-seeding leaves it alone
        return data

    def save_related(self, user):
        calendars.record_version(self.instance.calendar, user,
                                 _t("Day %(day)s edited.") % {"day": self.instance.date})


# ---- catalogue ------------------------------------------------------------------------------

class ServiceFamilyForm(ModelForm):
    class Meta:
        model = ServiceFamily
        fields = ["code", "name", "description"]


class ServiceForm(ModelForm):
    class Meta:
        model = Service
        fields = ["family", "code", "name", "description", "owner", "status", "supporting_services"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._supporting_before = sorted(self.instance.supporting_services.values_list("pk", flat=True)) \
            if self.instance.pk else []
        if self.instance.pk:
            self.fields["supporting_services"].queryset = Service.objects.exclude(pk=self.instance.pk)

    def save_related(self, user):
        record_supporting_change(self.instance, user, self._supporting_before)


class PriorityTargetForm(forms.ModelForm):
    class Meta:
        model = PriorityTarget
        fields = ["priority", "response_minutes", "resolution_minutes", "target_percent"]


class SkillRequirementForm(forms.ModelForm):
    class Meta:
        model = SkillRequirement
        fields = ["skill", "level", "headcount"]


class PriorityFormSet(RowFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        have = {form.instance.priority for form in self.initial_forms}
        missing = [p for p in Priority.values if p not in have]
        for form, priority in zip(self.extra_forms, missing, strict=False):
            form.initial.setdefault("priority", priority)
            form.fields["priority"].initial = priority


def priority_formset_class(tier):
    existing = tier.priority_targets.count() if tier.pk else 0
    return inlineformset_factory(ServiceTier, PriorityTarget, form=PriorityTargetForm, formset=PriorityFormSet,
                                 extra=max(0, len(Priority.values) - existing), max_num=len(Priority.values),
                                 validate_max=True, can_delete=True)


SkillFormSet = inlineformset_factory(ServiceTier, SkillRequirement, form=SkillRequirementForm, formset=RowFormSet,
                                     extra=2, can_delete=True)


class ServiceTierForm(FormsetFormMixin, ControlledRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = ServiceTier
        fields = ["service", "name", "owner_department", "confidentiality", "description", "service_window",
                  "availability_target", "rto_minutes", "rpo_minutes", "max_tickets_per_month", "max_users",
                  "max_devices", "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:  # a tier belongs to one service for all its versions
            self.fields["service"].disabled = True
        self.build_formsets(self.data or None, self.files or None)

    def get_formset_classes(self):
        return {"targets": priority_formset_class(self.instance), "skills": SkillFormSet}

    def save_related(self, user):
        ensure_editable(self.instance)
        self.save_formsets(user)
