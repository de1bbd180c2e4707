# ---- compliance findings and runs ----


# ---- clause map ----


# ---- evidence packs ----
import django_tables2 as _pack_tables
from django.utils.translation import gettext_lazy as _pt

from .models import EvidencePack as _PackModel


class EvidencePackTable(_pack_tables.Table):
    title = _pack_tables.Column(linkify=True)
    content_hash = _pack_tables.Column(verbose_name=_pt("content hash"), orderable=False)

    class Meta:
        model = _PackModel
        attrs = {"class": "table table-sm table-hover align-middle"}
        fields = ("title", "period_start", "period_end", "state", "requested_by", "created", "files", "content_hash")

    def render_content_hash(self, value):
        return value[:16] + "…" if value else ""



# ---- external audits ----
