"""Tables of the closure stage's list pages."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

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
