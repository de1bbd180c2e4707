"""Tables of the closure stage's list pages, one block per sub-domain."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from projects.tables import ProjectRecordTable

# ---- project closure ----
from .models import ProjectClosure


class ProjectClosureTable(ProjectRecordTable):
    closed_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("closed at"))

    class Meta(ProjectRecordTable.Meta):
        model = ProjectClosure
        fields = ("number", "version", "title", "project", "status", "author", "closed_at", "updated")


# ---- summary report ----
from .models import SummaryReport  # noqa: E402


class SummaryReportTable(ProjectRecordTable):
    generated_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("generated at"))

    class Meta(ProjectRecordTable.Meta):
        model = SummaryReport
        fields = ("number", "version", "title", "project", "status", "generated_at", "owner_department", "author",
                  "updated")
