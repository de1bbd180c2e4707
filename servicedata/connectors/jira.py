"""Jira Service Management REST (https://developer.atlassian.com, "Issue search"): GET /rest/api/2/search with
JQL `updated >= "yyyy/MM/dd HH:mm" ORDER BY updated ASC`, paged by startAt/maxResults, expand=changelog,names.
Basic auth with the account's e-mail and an API token (Cloud) or a personal access token as a bearer (Data Center).

JQL times are read in the API user's own time zone, so the window is written in the zone /rest/api/2/myself
gives. The status history comes from the changelog (status items, oldest first). The service desk's SLA fields
("Time to first response", "Time to resolution") are custom fields whose ids differ per site: the field names the
search returns (expand=names) find them, and each is also put under a stable key in `fields`
(`time_to_first_response`, `time_to_resolution`) so a profile reads `fields.time_to_first_response.completedCycles.
0.stopTime.iso8601` on any site.
"""

import zoneinfo
from datetime import UTC, datetime

from django.utils.translation import gettext as _t

from .base import Client, aware, history_key

EARLIEST = datetime.min.replace(tzinfo=UTC)
SLA_FIELDS = {"time to first response": "time_to_first_response", "time to resolution": "time_to_resolution"}


class JiraClient(Client):
    kind = "jira"

    def start(self):
        self.basic_or_bearer()

    def user_zone(self):
        self.page = None
        body = self.get("rest/api/2/myself")
        try:
            return zoneinfo.ZoneInfo(body.get("timeZone") or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, AttributeError):
            return zoneinfo.ZoneInfo("UTC")

    def jql(self, since):
        terms = [f"({self.query})"] if self.query else []
        if since is not None:
            terms.append(f'updated >= "{since.astimezone(self.user_zone()):%Y/%m/%d %H:%M}"')
        return " AND ".join(terms) + " ORDER BY updated ASC"

    def pages(self, since):
        jql = self.jql(since)

        def page(offset):
            body = self.get("rest/api/2/search", {"jql": jql, "startAt": offset, "maxResults": self.page_size,
                                                  "expand": "changelog,names", "fields": "*all"})
            issues = body.get("issues") if isinstance(body, dict) else None
            if not isinstance(issues, list):
                raise self.unexpected(_t("the answer has no issue list"), "rest/api/2/search")
            names = body.get("names") or {}
            sla = {fid: SLA_FIELDS[name.lower()] for fid, name in names.items() if name.lower() in SLA_FIELDS}
            for issue in issues:
                self.shape(issue, sla)
            # Jira may answer fewer than asked (its own maximum): the total says whether more follow.
            if issues and offset + len(issues) < int(body.get("total", 0)) and len(issues) < self.page_size:
                self.page_size = len(issues)
            return issues

        yield from self.paged(page)

    @staticmethod
    def shape(issue, sla):
        fields = issue.setdefault("fields", {})
        for fid, key in sla.items():
            if fields.get(fid) is not None:
                fields.setdefault(key, fields[fid])
        created = fields.get("created")
        steps = []
        for history in sorted((issue.get("changelog") or {}).get("histories") or [],
                              key=lambda h: aware(h.get("created")) or EARLIEST):
            for item in history.get("items") or []:
                if item.get("field") == "status":
                    if not steps:
                        steps.append({"at": created, "status": item.get("fromString")})
                    steps.append({"at": history.get("created"), "status": item.get("toString")})
        if steps:
            issue[history_key()] = steps

    def updated(self, raw):
        return aware((raw.get("fields") or {}).get("updated"))
