import django_tables2 as tables

from .models import Customer


class CustomerTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)

    class Meta:
        model = Customer
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("code", "name", "name_en", "industry", "active", "updated")
