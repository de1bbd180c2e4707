from core.registry import registry
from core.workflow import generic_review_workflow

PROCEDURE_WORKFLOW = generic_review_workflow()

registry.bind("procedure_document", "documents.ProcedureDocument", PROCEDURE_WORKFLOW)
