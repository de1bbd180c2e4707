import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Delegation, Department, User

# Identifiers (a department's code, a login name) are not words to translate; an English name is English.
IDENTIFIER = {"td": {"translate": "no"}}


class DepartmentTable(tables.Table):
    code = tables.Column(linkify=True, attrs=IDENTIFIER)
    name_en = tables.Column(attrs={"td": {"lang": "en"}})
    name = tables.Column(linkify=True)

    class Meta:
        model = Department
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("code", "name", "name_en", "kind", "head")


class UserTable(tables.Table):
    username = tables.Column(linkify=True, attrs=IDENTIFIER)
    roles = tables.Column(empty_values=(), orderable=False, verbose_name=_("roles"))

    class Meta:
        model = User
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("username", "last_name", "first_name", "department", "title", "roles", "is_active")

    def render_roles(self, record):
        return ", ".join(str(a.get_role_display()) for a in record.role_assignments.all()) or "—"

    def value_roles(self, record):
        return self.render_roles(record)


class DelegationTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")

    class Meta:
        model = Delegation
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("id", "delegator", "delegate", "start", "end", "reason", "revoked")
