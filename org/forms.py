from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core import records
from core.forms import ModelForm
from core.roles import ACCESS_ENDED, OUTSIDE, Role, may_sign_in

from .models import Delegation, Department, RoleAssignment, User


class DepartmentForm(ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "name_en", "kind", "parent", "head"]


class SignInForm(AuthenticationForm):
    """The sign-in page: the right password is not enough for an account holding no role valid now (an external
    auditor after the access window), and the page says why."""

    error_messages = {**AuthenticationForm.error_messages, "no_role_now": ACCESS_ENDED}

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not may_sign_in(user):
            raise forms.ValidationError(self.error_messages["no_role_now"], code="no_role_now")


# Roles given here. A customer contact's sign-in is given from the contact (portal), an external auditor's from the
# external audit over its access window (assurance.engagements): never here, and an edit here leaves them alone.
GIVEN_ELSEWHERE = OUTSIDE | {Role.EXTERNAL_AUDITOR}


class UserForm(ModelForm):
    roles = forms.MultipleChoiceField(label=_("roles"), choices=[(value, label) for value, label in Role.choices
                                                                  if value not in GIVEN_ELSEWHERE], required=False,
                                      widget=forms.CheckboxSelectMultiple)
    new_password = forms.CharField(label=_("new password"), required=False, strip=False,
                                   widget=forms.PasswordInput(render_value=False),
                                   help_text=_("Leave empty to keep the current password; a new user without one "
                                               "cannot log in until a password is set."))

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "department", "title", "phone", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].widget.attrs.pop("class", None)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.own_roles - {Role.ADMIN} - GIVEN_ELSEWHERE |
                                                  {r.role for r in self.instance.role_assignments.all()
                                                   if r.role not in GIVEN_ELSEWHERE})

    def _post_clean(self):
        # Validated once the instance holds the submitted user name and names, so that a new user's password is
        # checked against them too.
        super()._post_clean()
        if password := self.cleaned_data.get("new_password"):
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("new_password", error)

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("new_password"):
            user.set_password(self.cleaned_data["new_password"])
        elif not user.password:
            user.set_unusable_password()
        if commit:
            user.save()
        return user

    def save_related(self, acting_user):
        wanted = set(self.cleaned_data["roles"])
        current = {a.role: a for a in self.instance.role_assignments.all() if a.role not in GIVEN_ELSEWHERE}
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
        self.fields["delegate"].queryset = User.objects.filter(is_active=True)
        # A delegation is never handed to someone else (org.services refuses it too).
        self.fields["delegate"].disabled = bool(self.instance.pk)


class PreferencesForm(ModelForm):
    """What a user sets for themselves (My settings): how the application speaks to them and how to reach them."""

    class Meta:
        model = User
        fields = ["language", "time_zone", "email", "phone"]
        help_texts = {
            "language": _("Pages, e-mails and documents made for you. Empty: the language of your browser."),
            "time_zone": _("Every time is shown in this zone. Empty: the company's zone."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        from core.context import zone_of

        company = zone_of(None).key
        label = dict(self.fields["time_zone"].choices).get(company, company)
        self.fields["time_zone"].choices = [("", _("Company zone (%(zone)s)") % {"zone": label}),
                                            *[c for c in self.fields["time_zone"].choices if c[0]]]
        self.fields["language"].choices = [("", _("As my browser asks")),
                                           *[(code, name) for code, name in settings.LANGUAGES]]
