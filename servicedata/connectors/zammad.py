"""Zammad REST API (docs.zammad.org, "Tickets" and "Search"): `GET /api/v1/tickets/search` with the query
`updated_at:[<window start> TO *]` (the search index's range syntax, times in UTC), sort_by=updated_at,
order_by=asc, expand=true (state, priority and group by name), paged by page/per_page. Token auth: header
`Authorization: Token token=...`. A Zammad ticket carries its own first_response_at and close_at.
"""

from datetime import UTC

from django.utils.translation import gettext as _t

from .base import Client, aware


class ZammadClient(Client):
    kind = "zammad"

    def start(self):
        self.session.headers["Authorization"] = f"Token token={self.credentials.get('secret', '')}"

    def search(self, since):
        terms = [f"({self.query})"] if self.query else []
        if since is not None:
            terms.append(f'updated_at:["{since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" TO *]')
        return " AND ".join(terms) or "*"

    def pages(self, since):
        query = self.search(since)

        def page(offset):
            body = self.get("api/v1/tickets/search", {
                "query": query, "expand": "true", "sort_by": "updated_at", "order_by": "asc",
                "page": offset // self.page_size + 1, "per_page": self.page_size})
            if isinstance(body, dict):  # without expand Zammad answers {"tickets": [ids], "assets": ...}
                body = body.get("tickets")
            if not isinstance(body, list) or not all(isinstance(t, dict) for t in body):
                raise self.unexpected(_t("the answer has no ticket list"), "api/v1/tickets/search")
            return body

        yield from self.paged(page)

    def updated(self, raw):
        return aware(raw.get("updated_at"))
