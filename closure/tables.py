"""Tables of the closure stage's list pages."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from projects.tables import ProjectRecordTable

from .models import AcceptanceCertificate, InternalReview, ProjectClosure, SummaryReport


class ProjectClosureTable(ProjectRecordTable):
    closed_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("closed at"))

    class Meta(ProjectRecordTable.Meta):
        model = ProjectClosure
        fields = ("number", "version", "title", "project", "status", "author", "closed_at", "updated")


class SummaryReportTable(ProjectRecordTable):
    generated_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("generated at"))

    class Meta(ProjectRecordTable.Meta):
        model = SummaryReport
        fields = ("number", "version", "title", "project", "status", "generated_at", "owner_department", "author",
                  "updated")


class InternalReviewTable(ProjectRecordTable):
    class Meta(ProjectRecordTable.Meta):
        model = InternalReview
        fields = ("number", "version", "title", "project", "status", "owner_department", "author", "updated")


class AcceptanceCertificateTable(ProjectRecordTable):
    requested_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("acceptance requested at"))

    class Meta(ProjectRecordTable.Meta):
        model = AcceptanceCertificate
        fields = ("number", "version", "title", "project", "status", "requested_at", "author", "updated")
