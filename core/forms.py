from django import forms

from .models import NumberingScheme
from .views import LockedFormMixin


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates render forms with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


class ModelForm(BootstrapMixin, forms.ModelForm):
    pass


class ControlledRecordForm(BootstrapMixin, LockedFormMixin):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
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
