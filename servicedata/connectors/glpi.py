"""GLPI REST API (apirest.php, GLPI's "apirest.md"): a session opened with the App-Token and a user token
(`GET initSession`, header `Authorization: user_token ...`, answer {"session_token": ...}), the changed tickets
found with the search engine (`GET search/Ticket`, criterion field 19 = date_mod "morethan" the window start,
sorted by date_mod ascending, `range=0-99` paging, field 2 = id shown), each page's tickets read whole with
`GET getMultipleItems` (expand_dropdowns=true: categories and other dropdowns by name), and the session closed
(`GET killSession`). GLPI gives times without an offset, in its own time zone: the profile's time zone, else the
contract calendar's.
"""

import contextlib

from django.utils.translation import gettext as _t

from .base import Client, ConnectorError, aware

TIME = "%Y-%m-%d %H:%M:%S"
ID, DATE_MOD, ENTITY = "2", "19", "80"  # GLPI search option ids of Ticket


class GlpiClient(Client):
    kind = "glpi"
    required = ("secret", "app_token")

    def start(self):
        self.session.headers["App-Token"] = self.credentials.get("app_token", "")
        self.page = None
        body = self.get("apirest.php/initSession", headers={
            "Authorization": f"user_token {self.credentials.get('secret', '')}"})
        token = body.get("session_token") if isinstance(body, dict) else None
        if not token:
            raise self.unexpected(_t("the answer has no session token"), "apirest.php/initSession")
        self.session.headers["Session-Token"] = token

    def stop(self):
        if "Session-Token" in self.session.headers:
            with contextlib.suppress(ConnectorError):  # the session ends on its own; what was read stays read
                self.get("apirest.php/killSession")
            del self.session.headers["Session-Token"]

    def local(self, value):
        moment = aware(value)
        if moment is None:
            return None
        if isinstance(value, str) and "+" not in value and "T" not in value:
            moment = moment.replace(tzinfo=self.zone)
        return moment

    def pages(self, since):
        params = {"sort": DATE_MOD, "order": "ASC", "forcedisplay[0]": ID, "forcedisplay[1]": DATE_MOD}
        if since is not None:
            params.update({"criteria[0][field]": DATE_MOD, "criteria[0][searchtype]": "morethan",
                           "criteria[0][value]": since.astimezone(self.zone).strftime(TIME)})
        if self.query:  # an entity id: only that entity's tickets (search option 80 = entity)
            number = 1 if since is not None else 0
            params.update({f"criteria[{number}][link]": "AND", f"criteria[{number}][field]": ENTITY,
                           f"criteria[{number}][searchtype]": "equals", f"criteria[{number}][value]": self.query})

        self.total = None

        def page(offset):
            if self.total is not None and offset >= self.total:
                return []  # GLPI refuses a range past the total (ERROR_RANGE_EXCEED_TOTAL)
            body = self.get("apirest.php/search/Ticket", {**params, "range": f"{offset}-{offset + self.page_size - 1}"})
            if not isinstance(body, dict):
                raise self.unexpected(_t("the answer is not a search result"), "apirest.php/search/Ticket")
            self.total = int(body.get("totalcount") or 0)
            ids = [row.get(ID) for row in body.get("data") or [] if row.get(ID) is not None]
            if not ids:
                return []
            items = {f"items[{n}][itemtype]": "Ticket" for n in range(len(ids))}
            items.update({f"items[{n}][items_id]": ticket for n, ticket in enumerate(ids)})
            tickets = self.get("apirest.php/getMultipleItems", {**items, "expand_dropdowns": "true"})
            if not isinstance(tickets, list):
                raise self.unexpected(_t("the answer has no ticket list"), "apirest.php/getMultipleItems")
            return tickets

        yield from self.paged(page)

    def updated(self, raw):
        return self.local(raw.get("date_mod"))
