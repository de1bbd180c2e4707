"""The supplier pages' lists: suppliers with their qualification and the first date it lapses (flagged within the
warning window), contacts, certificates (flagged likewise), evaluations with result and verdict, lists."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.display import date_text
from core.tables import ControlledRecordTable

from . import terms
from .models import Certificate, QualifiedList, Supplier, SupplierContact, SupplierEvaluation

ATTRS = {"class": "table table-sm table-hover align-middle"}


def until_html(day):
    """A date a qualification lapses on, flagged when within the warning window or past."""
    if day is None:
        return "—"
    today = terms.today()
    if day < today:
        return format_html('<span class="badge text-bg-danger expiry-flag">{} {}</span>', _t("lapsed"),
                           date_text(day))
    if day <= terms.warning_horizon(today):
        return format_html('<span class="badge text-bg-warning expiry-flag">{} {}</span>', _t("lapses"),
                           date_text(day))
    return date_text(day)


class SupplierTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    qualified = tables.Column(accessor="pk", orderable=False, verbose_name=_("qualified"))
    until = tables.Column(accessor="pk", orderable=False, verbose_name=_("qualified until"))

    class Meta:
        model = Supplier
        attrs = ATTRS
        fields = ("code", "name", "name_en", "category", "qualified", "until", "active", "updated")

    def qualification(self, record):
        """Qualifications of every supplier on the page, read once (suppliers.services.qualifications)."""
        if not hasattr(self, "_qualifications"):
            from .services import qualifications

            rows = self.page.object_list if hasattr(self, "page") else self.data
            self._qualifications = qualifications([getattr(row, "record", row) for row in rows])
        found = self._qualifications.get(record.pk)
        if found is None:
            from .services import qualification

            found = qualification(record)
        return found

    def render_qualified(self, value, record):
        q = self.qualification(record)
        if q.qualified:
            return format_html('<span class="badge text-bg-success qualification">{}</span>', _t("Qualified"))
        return format_html('<span class="badge text-bg-secondary qualification">{}</span>', _t("Not qualified"))

    def value_qualified(self, value, record):
        return self.qualification(record).qualified

    def render_until(self, value, record):
        q = self.qualification(record)
        return until_html(q.until) if q.qualified else "—"

    def value_until(self, value, record):
        q = self.qualification(record)
        return q.until if q.qualified else None


class SupplierContactTable(tables.Table):
    name = tables.Column(linkify=lambda record: record.supplier.get_absolute_url())

    class Meta:
        model = SupplierContact
        attrs = ATTRS
        fields = ("supplier", "name", "job_title", "phone", "email", "primary")


class CertificateTable(tables.Table):
    name = tables.Column(linkify=lambda record: record.supplier.get_absolute_url())
    valid_until = tables.Column()

    class Meta:
        model = Certificate
        attrs = ATTRS
        fields = ("supplier", "name", "reference", "issuer", "valid_from", "valid_until")

    def render_valid_until(self, value, record):
        return until_html(value)

    def value_valid_until(self, value, record):
        return value


class SupplierEvaluationTable(ControlledRecordTable):
    supplier = tables.Column(linkify=lambda record: record.supplier.get_absolute_url(), verbose_name=_("supplier"))
    period = tables.Column(accessor="period_to", verbose_name=_("period evaluated"))
    result = tables.Column(verbose_name=_("result"))
    qualified = tables.Column(verbose_name=_("verdict"))
    valid_until = tables.Column(verbose_name=_("valid until"))

    class Meta(ControlledRecordTable.Meta):
        model = SupplierEvaluation
        fields = ("number", "version", "supplier", "period", "status", "result", "qualified", "valid_until",
                  "author", "updated")
        exclude = ("title", "owner_department")

    def render_period(self, value, record):
        return f"{date_text(record.period_from)} – {date_text(record.period_to)}"

    def value_period(self, value, record):
        return f"{record.period_from:%Y-%m-%d} – {record.period_to:%Y-%m-%d}"

    def render_qualified(self, value, record):
        return record.verdict_label

    def value_qualified(self, value, record):
        return record.verdict_label

    def render_valid_until(self, value, record):
        return until_html(value) if record.status == "approved" else date_text(value)

    def value_valid_until(self, value, record):
        return value


class QualifiedListTable(ControlledRecordTable):
    review_due = tables.Column(verbose_name=_("re-approval due"))
    entries = tables.Column(accessor="entry_count", verbose_name=_("suppliers"), orderable=False)

    class Meta(ControlledRecordTable.Meta):
        model = QualifiedList
        fields = ("number", "version", "title", "status", "review_due", "entries", "author", "updated")
        exclude = ("owner_department",)

    def render_review_due(self, value, record):
        return until_html(value) if record.status == "approved" else date_text(value)

    def value_review_due(self, value, record):
        return value


