"""The problems' list table."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable

from .models import Problem


class ProblemTable(ControlledRecordTable):
    contract = tables.Column(verbose_name=_("contract"), order_by="contract__number", default="—")
    known_error = tables.BooleanColumn(verbose_name=_("known error"))

    class Meta(ControlledRecordTable.Meta):
        model = Problem
        fields = ("number", "version", "title", "contract", "status", "known_error", "owner_department", "author",
                  "updated")
