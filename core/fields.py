"""Model building blocks shared by several apps."""

from contextlib import suppress
from decimal import Decimal, InvalidOperation

from django.db import models


class StoredDecimalsMixin:
    """Decimals held with the places the column stores (99 -> 99.00), so the audit snapshot taken before the
    save equals the row read back later (manage.py verify_audit compares them)."""

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude)
        for f in self._meta.concrete_fields:
            value = getattr(self, f.attname)
            if isinstance(f, models.DecimalField) and value is not None:
                # An invalid value was reported by clean_fields, or the field was excluded from validation.
                with suppress(InvalidOperation):
                    setattr(self, f.attname, Decimal(value).quantize(Decimal(1).scaleb(-f.decimal_places)))
