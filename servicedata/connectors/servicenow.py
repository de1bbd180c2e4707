"""ServiceNow Table API (https://developer.servicenow.com, "Table API"): GET /api/now/table/incident with an
encoded query `sys_updated_on>=YYYY-MM-DD HH:MM:SS^ORDERBYsys_updated_on`, paged by sysparm_limit/sysparm_offset.
Times in the answer and in the query are in UTC (sysparm_display_value=false, the default). Basic auth (user and
password) or an OAuth bearer token.

The state history comes from the audit table (`sys_audit`, tablename=incident, fieldname=state) for the incidents of
each page, one more request per page: the entries go into the record's HISTORY, oldest first, after the state the
incident was opened in. A user without read access to sys_audit (403) still gets the incidents, without history.
"""

from datetime import UTC

from django.utils.translation import gettext as _t

from .base import Client, ConnectorError, aware, history_key

TIME = "%Y-%m-%d %H:%M:%S"


class ServiceNowClient(Client):
    kind = "servicenow"
    table = "incident"

    def start(self):
        self.basic_or_bearer()

    def encoded_query(self, since):
        terms = [self.query] if self.query else []
        if since is not None:
            terms.append(f"sys_updated_on>={since.astimezone(UTC).strftime(TIME)}")
        return "^".join([*terms, "ORDERBYsys_updated_on"])

    def pages(self, since):
        query = self.encoded_query(since)

        def page(offset):
            body = self.get(f"api/now/table/{self.table}", {
                "sysparm_query": query, "sysparm_limit": self.page_size, "sysparm_offset": offset})
            items = body.get("result") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise self.unexpected(_t("the answer has no result list"), f"api/now/table/{self.table}")
            self.add_history(items)
            return items

        yield from self.paged(page)

    def add_history(self, items):
        ids = [i.get("sys_id") for i in items if i.get("sys_id")]
        if not ids:
            return
        changes = {}
        offset = 0
        while True:
            try:
                body = self.get("api/now/table/sys_audit", {
                    "sysparm_query": f"tablename={self.table}^fieldname=state^documentkeyIN{','.join(ids)}"
                                     "^ORDERBYsys_created_on",
                    "sysparm_fields": "documentkey,oldvalue,newvalue,sys_created_on",
                    "sysparm_limit": self.page_size * 10, "sysparm_offset": offset})
            except ConnectorError as exc:
                if exc.status == 403:  # no read access to the audit table: incidents without history
                    return
                raise
            rows = body.get("result") or []
            for row in rows:
                changes.setdefault(row.get("documentkey"), []).append(row)
            if len(rows) < self.page_size * 10:
                break
            offset += len(rows)
        for item in items:
            rows = changes.get(item.get("sys_id"))
            if not rows:
                continue
            first = rows[0].get("oldvalue") or rows[0].get("newvalue")
            history = [{"at": item.get("opened_at") or item.get("sys_created_on"), "status": first}]
            history += [{"at": row.get("sys_created_on"), "status": row.get("newvalue")} for row in rows]
            item[history_key()] = history

    def updated(self, raw):
        return aware(raw.get("sys_updated_on"))
