from django import forms
from django.utils.translation import gettext_lazy as _

from . import audit, records
from .models import NumberingScheme


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates render forms with one include; the choices of a related
    field are the rows the user may see (a project manager picks among their own projects)."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # the person filling the form in; every edit page passes it
        self._choices_restricted = False
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 4)

    def restrict_choices(self):
        """Once the form is built (subclasses narrow querysets in their __init__), before it is shown or
        validated: related choices become the rows the user may see."""
        if self.user is None or self._choices_restricted:
            return
        self._choices_restricted = True
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(self.user, "view")

    def __getitem__(self, name):
        self.restrict_choices()
        return super().__getitem__(name)

    def full_clean(self):
        self.restrict_choices()
        super().full_clean()


class ModelForm(BootstrapMixin, forms.ModelForm):
    pass


class LockedFormMixin(forms.ModelForm):
    """Carries the record's lock_version so a stale edit is refused."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ControlledRecordForm(BootstrapMixin, LockedFormMixin):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user is not None and not self.instance.pk and "owner_department" in self.fields:
            self.fields["owner_department"].initial = user.department_id

    class Meta:
        fields = []


class NumberingSchemeForm(ModelForm):
    class Meta:
        model = NumberingScheme
        fields = ["record_type", "prefix", "pattern"]

    def __init__(self, *args, **kwargs):
        from .filtersets import record_type_choices

        super().__init__(*args, **kwargs)
        self.fields["record_type"] = forms.ChoiceField(label=self.fields["record_type"].label,
                                                       choices=record_type_choices(),
                                                       widget=forms.Select(attrs={"class": "form-select"}))


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


class CompactRowsMixin:
    """Rows rendered as a compact Bootstrap table."""

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


class RowFormSet(CompactRowsMixin, forms.BaseInlineFormSet):
    """A record's child rows (inline formset)."""


class RowModelFormSet(CompactRowsMixin, forms.BaseModelFormSet):
    """Rows chosen by a query rather than one foreign key (e.g. the task allocations of all of a record's goals)."""


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
