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
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
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
        self.limit_dependent_choices()

    # {field: (parent field, lookup)}: the field offers only the rows of the chosen parent (the contracts of the
    # chosen customer); choosing another parent reloads the field's choices (htmx: the edit page is fetched again
    # with ?parent=value and only the field is swapped). The queryset also validates: another customer's contract
    # is "not one of the available choices".
    dependent_choices: dict = {}
    reload_url = ""  # the page the form is on (ObjectEditView sets it), fetched again when a parent changes

    def parent_value(self, parent):
        if self.is_bound:
            return self.data.get(self.add_prefix(parent)) or None
        value = self.initial.get(parent)
        if value is None and self.instance is not None:
            value = getattr(self.instance, f"{parent}_id", None)
        return getattr(value, "pk", value) or None

    def limit_dependent_choices(self):
        for name, (parent, lookup) in self.dependent_choices.items():
            if name not in self.fields or parent not in self.fields:
                continue
            value = self.parent_value(parent)
            field = self.fields[name]
            field.queryset = field.queryset.filter(**{lookup: value}) if value else field.queryset.none()
            target = f"#{self.auto_id % self.add_prefix(name)}" if self.auto_id else f"#{name}"
            self.fields[parent].widget.attrs.update({
                "hx-get": self.reload_url, "hx-trigger": "change", "hx-include": "this", "hx-select": target,
                "hx-target": target, "hx-swap": "outerHTML", "data-controls": name})

    def __getitem__(self, name):
        self.restrict_choices()
        return super().__getitem__(name)

    def full_clean(self):
        self.restrict_choices()
        super().full_clean()
        self.mark_invalid_fields()

    # ---- how the form is laid out and how its errors read -------------------------------------------
    # `fieldsets = ((legend, (field names...)), ...)` groups the fields in sections, shown side by side on wide
    # screens (one column on phones); fields no section names follow in a last section. Without fieldsets the
    # fields themselves flow in two columns on wide screens.
    fieldsets = ()

    def rendered_apart(self):
        """Names of fields the page's own template lays out (rows of a table), left out of the sections."""
        return ()

    def mark_invalid_fields(self):
        """Bootstrap's invalid state and the accessible link from a widget to its message."""
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self.add_prefix(name)}-error"

    def field_sections(self):
        return field_sections(self)

    def error_summary(self):
        return error_summary(self)


def field_sections(form):
    """[(legend, [bound field, ...])] of a form's visible fields, in its declared fieldsets' order (any form)."""
    apart = set(getattr(form, "rendered_apart", lambda: ())())  # fields the page lays out itself (a row table)
    visible = {field.name: field for field in form.visible_fields() if field.name not in apart}
    result, placed = [], set()
    for legend, names in getattr(form, "fieldsets", ()):
        fields = [visible[name] for name in names if name in visible]
        placed.update(names)
        if fields:
            result.append((legend, fields))
    rest = [field for name, field in visible.items() if name not in placed]
    if rest:
        result.append((_("Other details") if result else "", rest))
    return result


def error_summary(form):
    """[(label, anchor, message)]: every error of a form and of its row tables, to list at the top (any form)."""
    summary = [("", "", str(error)) for error in form.non_field_errors()]
    for field in form:
        if field.errors:
            anchor = field.id_for_label if not field.is_hidden else ""
            summary.append((str(field.label or ""), anchor, " ".join(str(e) for e in field.errors)))
    for formset in getattr(form, "formsets", {}).values():
        label = str(formset.model._meta.verbose_name_plural)
        for error in formset.non_form_errors():
            summary.append((label, f"formset-{formset.prefix}", str(error)))
        for index, row_errors in enumerate(formset.errors if formset.is_bound else [], start=1):
            row = formset.forms[index - 1]
            for name, errors in row_errors.items():
                field_label = row.fields[name].label if name in row.fields else ""
                anchor = row[name].id_for_label if name in row.fields else f"formset-{formset.prefix}"
                summary.append((_("%(rows)s, row %(n)s") % {"rows": label, "n": index}
                                + (f" · {field_label}" if field_label else ""), anchor,
                                " ".join(str(e) for e in errors)))
    return summary


class Form(BootstrapMixin, forms.Form):
    """A form that writes no model (a decision, a survey answer): styled as every other form."""


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
