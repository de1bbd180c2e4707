import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable, RecordLinkColumn

from .models import (
    ChangeRequest,
    InitiationApplication,
    InitiationPlan,
    PlanReview,
    Project,
    ProjectPlan,
    WorkPlan,
)


class ProjectTable(tables.Table):
    code = tables.Column(linkify=True, verbose_name=_("project code"))
    name = tables.Column(verbose_name=_("project name"))
    kind = tables.Column(accessor="get_kind_display", order_by="kind", verbose_name=_("kind"))
    customer = tables.Column(verbose_name=_("customer"))
    contract = RecordLinkColumn(order_by="contract__number", verbose_name=_("contract"))
    manager = tables.Column(verbose_name=_("project manager"))
    status = tables.Column(accessor="get_status_display", order_by="status", verbose_name=_("status"))
    start_date = tables.DateColumn(format="Y-m-d", verbose_name=_("start date"))
    end_date = tables.DateColumn(format="Y-m-d", verbose_name=_("end date"))

    class Meta:
        model = Project
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("code", "name", "kind", "customer", "contract", "manager", "status", "start_date", "end_date")


class ProjectRecordTable(ControlledRecordTable):
    project = RecordLinkColumn(order_by="project__code", verbose_name=_("project"))

    class Meta(ControlledRecordTable.Meta):
        fields = ("number", "version", "title", "project", "status", "owner_department", "author", "updated")


class InitiationApplicationTable(ProjectRecordTable):
    class Meta(ProjectRecordTable.Meta):
        model = InitiationApplication


class InitiationPlanTable(ProjectRecordTable):
    class Meta(ProjectRecordTable.Meta):
        model = InitiationPlan


class ProjectPlanTable(ProjectRecordTable):
    class Meta(ProjectRecordTable.Meta):
        model = ProjectPlan


class PlanReviewTable(ProjectRecordTable):
    verdict = tables.Column(accessor="get_verdict_display", order_by="verdict", verbose_name=_("verdict"))

    class Meta(ProjectRecordTable.Meta):
        model = PlanReview
        fields = ("number", "version", "title", "project", "verdict", "status", "author", "updated")


class WorkPlanTable(ProjectRecordTable):
    class Meta(ProjectRecordTable.Meta):
        model = WorkPlan


class ChangeRequestTable(ProjectRecordTable):
    form = tables.Column(accessor="get_form_display", order_by="form", verbose_name=_("request form"))

    class Meta(ProjectRecordTable.Meta):
        model = ChangeRequest
        fields = ("number", "version", "title", "project", "form", "status", "author", "updated")
