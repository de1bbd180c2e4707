"""Forms for opening a project, appointing its manager and forming its team, and the base of a project's records."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import RecordStatus
from core.forms import ControlledRecordForm, ModelForm
from core.roles import Role
from org.models import User

from ..choices import ProjectStatus
from ..models import Project, TeamMember
from ..services import signed_contracts

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def open_projects():
    return Project.objects.filter(status=ProjectStatus.OPEN).order_by("-created")


class ProjectOpenForm(ModelForm):
    """Opening a project (立项) from a signed contract (the view calls services.open_project); editing it later."""

    class Meta:
        model = Project
        fields = ["contract", "name", "category", "description", "goals"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from strategy.models import Goal

        self.fields["goals"].queryset = Goal.objects.filter(annual_goals__status=RecordStatus.APPROVED) \
            .select_related("annual_goals")
        self.fields["goals"].required = False
        self.fields["name"].required = False
        if self.instance.pk:
            self.fields["contract"].disabled = True
        else:
            self.fields["contract"].queryset = signed_contracts().filter(projects__isnull=True) \
                .select_related("customer")
            self.fields["contract"].help_text = _("Only signed contracts without a project are listed.")


class AppointForm(forms.Form):
    manager = forms.ModelChoiceField(label=_("Project manager"), queryset=User.objects.none(),
                                     widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = User.objects.filter(role_assignments__role=Role.PROJECT_MANAGER,
                                                              is_active=True).distinct()


class TeamMemberForm(ModelForm):
    class Meta:
        model = TeamMember
        fields = ["user", "role", "allocation", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project or self.instance.project
        self.fields["user"].queryset = User.objects.filter(is_active=True).exclude(role_assignments__role="auditor")
        if not self.instance.pk and project is not None:
            self.initial.setdefault("start_date", project.start_date)
            self.initial.setdefault("end_date", project.end_date)


class ProjectRecordForm(ControlledRecordForm):
    """A project's record: the project is chosen once (prefilled from ?project=) and fixed afterwards."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "project" in self.fields:
            self.fields["project"].queryset = open_projects()
            if self.instance.pk:
                self.fields["project"].disabled = True
