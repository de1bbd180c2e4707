import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable

from .models import AnnualGoals


class AnnualGoalsTable(ControlledRecordTable):
    year = tables.Column(verbose_name=_("year"))

    class Meta(ControlledRecordTable.Meta):
        model = AnnualGoals
        fields = ("number", "version", "year", "title", "status", "owner_department", "author", "updated")
