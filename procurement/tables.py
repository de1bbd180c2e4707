"""Procurement's list tables."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable

from .models import ProcurementPlan, Tender


class ProcurementPlanTable(ControlledRecordTable):
    contract = tables.Column(verbose_name=_("contract"), order_by="contract__number", default="—")
    project = tables.Column(verbose_name=_("project"), order_by="project__code", default="—")

    class Meta(ControlledRecordTable.Meta):
        model = ProcurementPlan
        fields = ("number", "version", "title", "contract", "project", "status", "owner_department", "author",
                  "updated")


class TenderTable(ControlledRecordTable):
    plan = tables.Column(verbose_name=_("procurement plan"), order_by="plan__number", default="—")
    method = tables.Column(verbose_name=_("method"))
    bid_deadline = tables.DateColumn(verbose_name=_("bid deadline"))

    class Meta(ControlledRecordTable.Meta):
        model = Tender
        fields = ("number", "version", "title", "plan", "method", "bid_deadline", "status", "owner_department",
                  "author", "updated")
