"""Small helpers to make rows for tests, through the same services the app uses."""

from core import records, workflow
from core.context import acting_as
from documents.models import ProcedureDocument
from org.models import Department


def procedure(author, title="测试程序文件", submit=False, **fields):
    department = author.department or Department.objects.first()
    with acting_as(author):
        document = records.create(ProcedureDocument(title=title, owner_department=department, **fields), author)
        if submit:
            workflow.fire(document, "submit", author)
    document.refresh_from_db()
    return document


def approved_procedure(author, approver, title="已批准程序文件"):
    document = procedure(author, title, submit=True)
    with acting_as(approver):
        workflow.fire(document, "approve", approver, "同意")
    document.refresh_from_db()
    return document
