import django_tables2 as tables

from .models import ConfigurationItem, Contact, Customer, OperatingData

ATTRS = {"class": "table table-sm table-hover align-middle"}


class CustomerTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)

    class Meta:
        model = Customer
        attrs = ATTRS
        fields = ("code", "name", "name_en", "industry", "active", "updated")


class ContactTable(tables.Table):
    name = tables.Column(linkify=lambda record: record.customer.get_absolute_url())

    class Meta:
        model = Contact
        attrs = ATTRS
        fields = ("customer", "name", "job_title", "department", "phone", "email", "primary")


class ConfigurationItemTable(tables.Table):
    name = tables.Column(linkify=lambda record: record.customer.get_absolute_url())

    class Meta:
        model = ConfigurationItem
        attrs = ATTRS
        fields = ("customer", "kind", "name", "model_version", "count", "location")


class OperatingDataTable(tables.Table):
    period = tables.DateColumn(format="Y-m", linkify=lambda record: record.customer.get_absolute_url())

    class Meta:
        model = OperatingData
        attrs = ATTRS
        fields = ("customer", "period", "ticket_volume", "incident_count", "major_incident_count",
                  "availability_percent", "downtime_minutes")
