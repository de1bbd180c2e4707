"""The columns of a ticket file, in English or Chinese (docs/import.md lists them), and its readers.

The readers themselves are core.tabular's; this module says which columns a ticket has.
"""

from core.tabular import header_mapper, open_reader

# canonical field -> accepted column names (the first is the canonical English one)
COLUMNS = {
    "external_id": ("external_id", "id", "ticket_id", "ticket", "number", "工单号", "工单编号", "单号", "编号"),
    "external_system": ("external_system", "system", "source", "来源系统", "系统", "来源"),
    "kind": ("kind", "type", "ticket_type", "类型", "工单类型"),
    "priority": ("priority", "优先级", "级别"),
    "status": ("status", "state", "状态"),
    "created": ("created", "created_at", "opened", "opened_at", "创建时间", "报告时间", "提交时间"),
    "first_response": ("first_response", "responded", "responded_at", "response", "首次响应时间", "响应时间"),
    "resolved": ("resolved", "resolved_at", "解决时间"),
    "closed": ("closed", "closed_at", "关闭时间"),
    "category": ("category", "分类", "类别", "故障分类"),
    "service": ("service", "service_code", "服务", "服务项"),
    "configuration_item": ("configuration_item", "ci", "配置项"),
    "summary": ("summary", "title", "subject", "标题", "摘要"),
    "pauses": ("pauses", "pause", "挂起时段", "暂停时段", "等待客户时段"),
    # Optional: the row touches information security (SP-4.5.5); truthy values in SECURITY_TRUE. Read by the
    # importer beside the row (not part of its content digest); the security app decides whether it is honoured.
    "security": ("security", "information_security", "信息安全", "涉及信息安全"),
}
SECURITY_TRUE = frozenset({"1", "true", "yes", "y", "是", "t", "x", "√"})


def security_flag(value) -> bool:
    """Whether a security column's value says yes (1/true/yes/Y/是; case and spaces ignored)."""
    if value is True:
        return True
    if value is None or value is False:
        return False
    return str(value).strip().lower() in SECURITY_TRUE
REQUIRED = ("external_id", "priority", "created")

# Column index -> canonical ticket field, and the ignored column names; FileError if a required one is missing.
map_header = header_mapper(COLUMNS, REQUIRED)


def records(items):
    """(number, record) for a list of dicts pushed through the API: keys mapped like column names."""
    fields = {}
    for number, obj in enumerate(items, start=1):
        record = {}
        for key, value in (obj.items() if isinstance(obj, dict) else ()):
            field = fields.get(key, "")
            if field == "":
                field = fields[key] = map_header.field_for(key)
            if field is not None and field not in record:
                record[field] = value
        yield number, record


def open_ticket_reader(fmt, fileobj, size=None):
    """A streaming reader of a ticket file in format fmt ("csv", "xlsx" or "json")."""
    return open_reader(fmt, fileobj, size, header_mapper=map_header)
