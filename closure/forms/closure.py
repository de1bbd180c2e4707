"""Forms of a project's closure: the closure record, and the disposition of a checklist item."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ControlledRecordForm
from org.models import User
from projects.forms import ProjectRecordForm

from ..choices import DispositionKind
from ..models import ProjectClosure


class ProjectClosureForm(ProjectRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = ProjectClosure
        fields = ["project", "title", "owner_department", "notes", "confidentiality", "change_note"]


class DispositionForm(forms.Form):
    """Waive an open item, or hand it over to a named owner; the reason is required either way."""

    item_key = forms.CharField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Disposition"), choices=DispositionKind.choices,
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    owner = forms.ModelChoiceField(label=_("New owner"), required=False, queryset=User.objects.none(),
                                   widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")
