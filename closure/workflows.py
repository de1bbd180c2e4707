"""Record types of the closure stage and their workflows (roles per transition: core.permissions).

SP-4.5.2 and SP-4.5.3: the project summary report 项目总结报告 (the project team drafts it, the Service Department
manager approves), the internal review 内部评审, the project acceptance certificate 项目验收证明 (signed by the
customer) and the project's closure.
"""


# ---- summary report ----
# The project team drafts the summary report from the data; the Service Department manager approves it (not its
# author), only once its figures are generated; approval freezes them (SP-4.5.2).
from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import crud, declare, review_flow
from core.registry import registry
from core.roles import Role as R
from core.workflow import NOT_AUTHOR, Condition, generic_review_workflow, open_record

SUMMARY_GENERATED = Condition(lambda report, user: report.generated,
                              _("Generate the report's figures from the data first."), fix=open_record)
SUMMARY_WORKFLOW = generic_review_workflow(submit_conditions=(SUMMARY_GENERATED,),
                                           approve_conditions=(NOT_AUTHOR, SUMMARY_GENERATED))
registry.bind("summary_report", "closure.SummaryReport", SUMMARY_WORKFLOW,
              scope={"project": "project", "contract": "project__contract"})
SUMMARY_AUTHORS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.ADMIN}
declare({
    "closure.summaryreport": review_flow(SUMMARY_AUTHORS, {R.SERVICE_MANAGER}),
    "closure.lesson": crud(SUMMARY_AUTHORS),
})
navigation.add("monitoring", _("Project summary reports"), "closure:summaryreport_list", "closure.summaryreport",
               roles={R.PROJECT_MANAGER, R.SERVICE_MANAGER})
