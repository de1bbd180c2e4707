"""The procedure itself as the demo's first controlled document, drafted and approved (idempotent; audited)."""

from core import records, workflow
from core.context import acting_as
from core.demo import REQUEST_ID

from .models import ProcedureDocument

PROCEDURE = {
    "title": "服务策划管理程序",
    "purpose": "针对公司承接IT服务的项目、合同或任务，确定质量目标，制定专门措施，配备相应的资源，"
               "对服务实现过程实施控制，确保在约定的成本和质量要求下交付服务。",
    "scope": "适用于本公司承接IT服务的项目、合同或任务实现过程的策划、实施、交付和管理活动控制。",
    "body": "4.1 服务售前\n4.2 合同评审\n4.3 服务管理策划\n4.4 服务管理实施\n4.5 服务管理监控、测量、改进",
    "references": "ISO/IEC 20000-1:2018 (GB/T 24405.1)\nISO 9001:2015\nIT服务管理手册\n项目管理制度",
}


def load(context):
    if ProcedureDocument.objects.filter(title=PROCEDURE["title"]).exists():
        return
    author, approver = context.users["svc_staff"], context.users["svc_manager"]
    with acting_as(author, request_id=REQUEST_ID):
        document = records.create(ProcedureDocument(owner_department=context.departments["service"], **PROCEDURE),
                                  author, comment="初版")
        workflow.fire(document, "submit", author, "提交评审")
    with acting_as(approver, request_id=REQUEST_ID):
        workflow.fire(document, "approve", approver, "同意发布")
