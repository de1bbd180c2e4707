"""Catalogue decisions beyond what core.records and core.rows do on their own."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _t

from core import rows


def check_supporting_services(service, services):
    """A service is supported by others, never by itself."""
    if service is not None and service.pk and any(s.pk == service.pk for s in services):
        raise ValidationError({"supporting_services": _t("A service cannot support itself.")})


def set_supporting_services(service, user, services):
    check_supporting_services(service, services)
    rows.set_links(service, "supporting_services", services, user)
