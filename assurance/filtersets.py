# ---- compliance findings and runs ----


# ---- clause map ----


# ---- evidence packs ----
from core.filtersets import SearchFilterSet as _PackSearch

from .models import EvidencePack as _PackRow


class EvidencePackFilterSet(_PackSearch):
    search_fields = ("title", "content_hash")

    class Meta:
        model = _PackRow
        fields = ("q", "state", "requested_by", "contracts", "projects")


# ---- external audits ----
