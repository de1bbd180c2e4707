from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import declare, review_flow
from core.registry import RecordType, registry
from core.roles import Role as R
from core.workflow import generic_review_workflow

PROCEDURE_WORKFLOW = generic_review_workflow()

registry.declare(RecordType("procedure_document", _("Procedure document"), _("Quality / document control"),
                            "SP-PROC", spec="SP-1.4", retention_years=10))
registry.bind("procedure_document", "documents.ProcedureDocument", PROCEDURE_WORKFLOW)


# ---- who may do what, and where it sits in the menu ----------------------------------------------
# Company procedure documents (the procedure itself and the referenced procedures, SP-1.4).
DOC_EDITORS = {R.SERVICE_STAFF, R.SERVICE_MANAGER, R.TSD_STAFF, R.TSD_DIRECTOR, R.MANAGEMENT_REP, R.ADMIN}
declare({"documents.proceduredocument": review_flow(DOC_EDITORS, {R.SERVICE_MANAGER, R.TSD_DIRECTOR,
                                                                  R.MANAGEMENT_REP})})
navigation.add("records", _("Procedure documents"), "documents:proceduredocument_list", "documents.proceduredocument",
               roles={R.MANAGEMENT_REP, R.AUDITOR, R.TSD_DIRECTOR})
