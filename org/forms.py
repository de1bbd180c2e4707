from django import forms
from django.utils.translation import gettext_lazy as _

from core import records
from core.forms import ModelForm

from .choices import Role
from .models import Delegation, Department, RoleAssignment, User


class DepartmentForm(ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "name_en", "kind", "parent", "head"]


class UserForm(ModelForm):
    roles = forms.MultipleChoiceField(label=_("roles"), choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "department", "title", "phone", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].widget.attrs.pop("class", None)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.own_roles - {Role.ADMIN} |
                                                  {r.role for r in self.instance.role_assignments.all()})

    def save_related(self, acting_user):
        wanted = set(self.cleaned_data["roles"])
        current = {a.role: a for a in self.instance.role_assignments.all()}
        for role in wanted - set(current):
            records.create(RoleAssignment(user=self.instance, role=role), acting_user)
        for role in set(current) - wanted:
            records.delete(current[role], acting_user)


class DelegationForm(ModelForm):
    class Meta:
        model = Delegation
        fields = ["delegate", "start", "end", "reason", "revoked"]
        widgets = {"start": forms.DateTimeInput(attrs={"type": "datetime-local"}),
                   "end": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not self.instance.pk:
            self.instance.delegator = user
        self.fields["delegate"].queryset = User.objects.filter(is_active=True)
