"""The one rule for changing a controlled record's rows and links: only while the record is a draft or returned."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _t


def ensure_editable(record):
    """Refuse a change to a record that is not editable (its `is_editable`: a draft or returned version)."""
    if not record.is_editable:
        raise ValidationError(_t("%(record)s is %(status)s: it changes only in a draft or returned version.")
                              % {"record": record, "status": record.get_status_display()})
