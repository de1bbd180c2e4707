"""Who may see and do what in audit readiness, and its menu (core.permissions, core.navigation).

The internal auditor reads everything here and builds packs; the Management Representative (the quality manager)
runs the checks, decides findings and arranges external audits; management and the department heads read.
"""

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import declare
from core.roles import Role as R

READERS = frozenset({R.AUDITOR, R.MANAGEMENT_REP, R.GENERAL_MANAGER, R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.ADMIN})
QUALITY = frozenset({R.MANAGEMENT_REP, R.ADMIN})
NONE = frozenset()

declare({
    "assurance.compliancerun": {"view": READERS, "add": QUALITY | {R.AUDITOR}, "change": NONE, "delete": NONE},
    # "change": accept a finding with a justification, or turn it into an improvement.
    "assurance.finding": {"view": READERS, "add": NONE, "change": QUALITY, "delete": NONE},
    "assurance.evidencepack": {"view": READERS, "add": QUALITY | {R.AUDITOR}, "change": NONE, "delete": NONE},
    "assurance.auditengagement": {"view": READERS, "add": QUALITY, "change": QUALITY, "delete": QUALITY},
})

# ---- compliance findings and runs ----
navigation.add("records", _("Compliance checks"), "assurance:rule_list", "assurance.finding",
               roles={R.MANAGEMENT_REP, R.AUDITOR, R.ADMIN})
navigation.add("records", _("Compliance findings"), "assurance:finding_list", "assurance.finding",
               roles={R.MANAGEMENT_REP, R.AUDITOR})
navigation.add("records", _("Compliance check runs"), "assurance:compliancerun_list", "assurance.compliancerun")
# The clause map: ISO/IEC 20000-1 clauses with the evidence of a chosen scope (read by whoever reads the findings).
navigation.add("records", _("Clause map"), "assurance:clause_map", "assurance.finding",
               roles={R.AUDITOR, R.MANAGEMENT_REP})
navigation.add("records", _("Evidence packs"), "assurance:pack_list", "assurance.evidencepack",
               roles=(R.AUDITOR, R.MANAGEMENT_REP))
