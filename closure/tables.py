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

from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable, RecordLinkColumn

# ---- summary report ----
from .models import SummaryReport


class SummaryReportTable(ControlledRecordTable):
    project = RecordLinkColumn(order_by="project__code", verbose_name=_("project"))

    class Meta(ControlledRecordTable.Meta):
        model = SummaryReport
        fields = ("number", "version", "title", "project", "status", "generated_at", "owner_department", "author",
                  "updated")

from core.tables import ControlledRecordTable, RecordLinkColumn

# ---- internal review and acceptance certificate ----
from .models.acceptance import AcceptanceCertificate  # noqa: E402
from .models.review import InternalReview  # noqa: E402


class InternalReviewTable(ControlledRecordTable):
    project = RecordLinkColumn(order_by="project__code", verbose_name=_("project"))

    class Meta(ControlledRecordTable.Meta):
        model = InternalReview
        fields = ("number", "version", "title", "project", "status", "owner_department", "author", "updated")


class AcceptanceCertificateTable(ControlledRecordTable):
    project = RecordLinkColumn(order_by="project__code", verbose_name=_("project"))
    requested_at = tables.DateTimeColumn(verbose_name=_("acceptance requested at"))

    class Meta(ControlledRecordTable.Meta):
        model = AcceptanceCertificate
        fields = ("number", "version", "title", "project", "status", "requested_at", "author", "updated")
