"""Who may see and do what in audit readiness, and its menu (core.permissions, core.navigation).

The internal auditor reads everything here and builds packs; the Management Representative (the quality manager)
runs the checks, decides findings and arranges external audits; management and the department heads read.
"""

from django.utils.translation import gettext_lazy as _

from core import navigation, scopes
from core.permissions import declare
from core.roles import Role as R

from . import engagements

READERS = frozenset({R.AUDITOR, R.MANAGEMENT_REP, R.GENERAL_MANAGER, R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.ADMIN})
QUALITY = frozenset({R.MANAGEMENT_REP, R.ADMIN})
NONE = frozenset()

declare({
    "assurance.compliancerun": {"view": READERS, "add": QUALITY | {R.AUDITOR}, "change": NONE, "delete": NONE},
    # "change": accept a finding with a justification, or turn it into an improvement.
    "assurance.finding": {"view": READERS, "add": NONE, "change": QUALITY, "delete": NONE},
    # The external auditor builds packs of its audit sample (assurance.engagements.check_pack).
    "assurance.evidencepack": {"view": READERS, "add": QUALITY | {R.AUDITOR, R.EXTERNAL_AUDITOR}, "change": NONE,
                               "delete": NONE},
    "assurance.auditengagement": {"view": READERS, "add": QUALITY, "change": QUALITY, "delete": QUALITY},
})

# ---- compliance findings and runs ----
navigation.add("records", _("Compliance checks"), "assurance:rule_list", "assurance.finding",
               roles={R.MANAGEMENT_REP, R.AUDITOR, R.ADMIN})
navigation.add("records", _("Compliance findings"), "assurance:finding_list", "assurance.finding",
               roles={R.MANAGEMENT_REP, R.AUDITOR})
navigation.add("records", _("Compliance check runs"), "assurance:compliancerun_list", "assurance.compliancerun",
               roles={R.ADMIN})
# The clause map: ISO/IEC 20000-1 clauses with the evidence of a chosen scope (read by whoever reads the findings).
navigation.add("records", _("Clause map"), "assurance:clause_map", "assurance.finding",
               roles={R.AUDITOR, R.MANAGEMENT_REP})
navigation.add("records", _("Evidence packs"), "assurance:pack_list", "assurance.evidencepack",
               roles=(R.AUDITOR, R.MANAGEMENT_REP))
# ---- external audits ----
# The external auditor reads what the internal auditor reads (core.permissions), inside its audits' samples, while
# their access windows are open; its own work is here and in the register.
scopes.confine({R.EXTERNAL_AUDITOR}, reach=engagements.reach)
engagements.connect()
navigation.add("records", _("External audits"), "assurance:auditengagement_list", "assurance.auditengagement",
               roles={R.MANAGEMENT_REP, R.EXTERNAL_AUDITOR})
navigation.daily_for(R.EXTERNAL_AUDITOR, lambda url_name, _model: url_name.startswith("assurance:")
                     or url_name == "core:register")
