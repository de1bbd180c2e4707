"""Edit forms. Child rows (shifts, priority targets, skills) are inline formsets saved by `save_related`,
which core.views.ObjectEditView calls in the same transaction as the parent's save."""

import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.forms import ControlledRecordForm, FormsetFormMixin, ModelForm, RowFormSet

from . import announcements, calendars
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
    """The places a service may be delivered in (Area/City, e.g. Asia/Shanghai); the fixed-offset and legacy
    aliases (Etc/GMT+8, UTC, PRC) are left out: a calendar follows a place and its daylight saving."""
    areas = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/",
             "Pacific/")
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if name.startswith(areas)]


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
        fields = ["name", "description", "time_zone", "always_open", "closed_on_holidays",
                  "adjusted_workday_hours_from", "holiday_source"]

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
        fields = ["calendar", "date", "kind", "name", "hours"]
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


class AnnouncementForm(forms.Form):
    """The State Council's announcement pasted as text; previewed, then confirmed (catalog.announcements)."""

    text = forms.CharField(label=_("Announcement"), widget=forms.Textarea(attrs={"rows": 14, "class": "form-control"}),
                           help_text=_("Paste the text of the State Council General Office's notice on the year's "
                                       "public holiday arrangements, from its title to its last numbered item."))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200,
                              widget=forms.NumberInput(attrs={"class": "form-control"}),
                              help_text=_("Empty: read from the title."))

    def __init__(self, *args, calendar=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar = calendar

    def clean(self):
        data = super().clean()
        if "text" not in data:
            return data
        try:
            data["announcement"] = announcements.parse(data["text"], data.get("year"))
        except ValidationError as exc:
            for message in exc.messages:
                self.add_error(None, message)
        return data


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
        if self.instance.pk:  # a service never supports itself (catalog.services.check_supporting_services)
            self.fields["supporting_services"].queryset = Service.objects.exclude(pk=self.instance.pk)


class SkillRequirementForm(forms.ModelForm):
    class Meta:
        model = SkillRequirement
        fields = ["skill", "level", "headcount"]


PRIORITY_TARGET_FIELDS = ("priority", "response_minutes", "resolution_minutes", "target_percent")


class PriorityFormSet(RowFormSet):
    """One row per priority: the empty rows start with the priorities not listed yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        have = {form.instance.priority for form in self.initial_forms}
        missing = [p for p in Priority.values if p not in have]
        for form, priority in zip(self.extra_forms, missing, strict=False):
            form.initial.setdefault("priority", priority)
            form.fields["priority"].initial = priority


def priority_formset(parent_model, model, fields, instance):
    """The priority-target rows of a tier, requirement, proposal line or SLA: at most one row per priority."""
    parent_field = next(f.name for f in model._meta.fields if getattr(f, "related_model", None) is parent_model)
    existing = model.objects.filter(**{parent_field: instance}).count() if instance.pk else 0
    return inlineformset_factory(parent_model, model, fields=fields, formset=PriorityFormSet,
                                 extra=max(0, len(Priority.values) - existing), max_num=len(Priority.values),
                                 validate_max=True, can_delete=True)


SkillFormSet = inlineformset_factory(ServiceTier, SkillRequirement, form=SkillRequirementForm, formset=RowFormSet,
                                     extra=2, can_delete=True)


class ServiceTierForm(FormsetFormMixin, ControlledRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = ServiceTier
        fields = ["service", "name", "title", "owner_department", "confidentiality", "description", "service_window",
                  "availability_target", "rto_minutes", "rpo_minutes", "max_tickets_per_month", "max_users",
                  "max_devices", "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:  # a tier belongs to one service for all its versions
            self.fields["service"].disabled = True
        # Shown, never typed: the title is made from the service and the tier name when saved.
        self.fields["title"].disabled = True
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Made from the service and the tier name.")
        self.build_formsets(self.data or None, self.files or None)

    def get_formset_classes(self):
        return {"targets": priority_formset(ServiceTier, PriorityTarget, PRIORITY_TARGET_FIELDS, self.instance),
                "skills": SkillFormSet}

    def save_related(self, user):
        self.save_formsets(user)
