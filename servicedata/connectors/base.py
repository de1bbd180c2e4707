"""What every pull connector shares: an HTTP client on `requests` with bounded timeouts, paging bounded by
SERVPLAN_CONNECTOR_MAX_PAGES, the incremental window (updated since the cursor less an overlap) and one error type
that names the HTTP status and the page, never a credential.

A tool's module subclasses `Client`: `pages(since)` yields the source objects page by page (oldest change first),
`updated(raw)` reads one object's last-change time, `start()`/`stop()` open and close a session where the tool has
one. `fetch(since)` reads every page first and returns them as one `Batch`, so a sync imports all or nothing.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _t


class ConnectorError(Exception):
    """A service desk's API could not be read: the HTTP status (or what failed) and the page, as a person reads it.

    The message names the host and path only: no query string, no header, no credential.
    """

    def __init__(self, reason, *, status=None, page=None, url=""):
        self.reason, self.status, self.page = str(reason), status, page
        parts = urlsplit(url)
        self.where = f"{parts.hostname or ''}{parts.path}" if url else ""
        super().__init__(self.describe())

    def describe(self) -> str:
        values = {"reason": self.reason, "status": self.status, "page": self.page, "where": self.where}
        if self.status is not None and self.page is not None:
            text = _t("HTTP %(status)s on page %(page)s of %(where)s: %(reason)s") % values
        elif self.status is not None:
            text = _t("HTTP %(status)s from %(where)s: %(reason)s") % values
        elif self.page is not None:
            text = _t("Page %(page)s of %(where)s could not be read: %(reason)s") % values
        else:
            text = self.reason
        return text[:1000]


@dataclass
class Batch:
    """Every changed source object of one sync, and the newest last-change time among them."""

    records: list = field(default_factory=list)
    newest: datetime | None = None
    pages: int = 0
    complete: bool = True  # False: SERVPLAN_CONNECTOR_MAX_PAGES stopped the reading; the next sync goes on


def aware(value):
    """A datetime from an API value (ISO 8601, "YYYY-MM-DD HH:MM:SS" in UTC, or epoch milliseconds); None if not."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, int | float):
        parsed = datetime.fromtimestamp(value / 1000, UTC)
    else:
        text = str(value).strip()
        if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and ":" not in text[-5:]:
            text = f"{text[:-2]}:{text[-2:]}"  # Jira's +0800
        parsed = parse_datetime(text.replace("Z", "+00:00"))
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Client:
    """One connector's HTTP client. Subclasses set `kind`, `required` (credential keys) and write `pages`."""

    kind = ""
    required = ("secret",)  # credential keys: "login" (user name or e-mail), "secret", "app_token"
    docs = ""

    def __init__(self, base_url, credentials=None, *, query="", zone=UTC, page_size=None, max_pages=None,
                 timeout=None):
        self.base_url = base_url.rstrip("/")
        self.zone = zone  # for times the tool gives without an offset (GLPI)
        self.credentials = dict(credentials or {})
        self.query = (query or "").strip()
        self.page_size = page_size or settings.SERVPLAN_CONNECTOR_PAGE_SIZE
        self.max_pages = max_pages or settings.SERVPLAN_CONNECTOR_MAX_PAGES
        timeout = timeout or settings.SERVPLAN_CONNECTOR_TIMEOUT
        self.timeout = (min(10, timeout), timeout)  # connect, read
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "ServPlan connector"})
        self.page = None

    # ---- for subclasses ---------------------------------------------------------------------------

    def start(self):
        """Open a session with the tool where it has one (GLPI); authenticate the requests."""

    def stop(self):
        """Close the tool's session (GLPI's killSession)."""

    def basic_or_bearer(self):
        """Basic authentication with a login (ServiceNow user, Jira account e-mail), else the secret as a bearer
        token (an OAuth or personal access token)."""
        login, secret = self.credentials.get("login", ""), self.credentials.get("secret", "")
        if login:
            self.session.auth = (login, secret)
        else:
            self.session.headers["Authorization"] = f"Bearer {secret}"

    def pages(self, since):
        """Yield lists of source objects changed at or after `since` (None: all), oldest change first."""
        raise NotImplementedError

    def updated(self, raw):
        raise NotImplementedError

    # ---- HTTP ---------------------------------------------------------------------------------------

    def url(self, path):
        return f"{self.base_url}/{path.lstrip('/')}"

    def get(self, path, params=None, *, headers=None, allowed=(200, 206)):
        """GET a JSON answer; any other status, a broken connection or a body that is not JSON is a
        ConnectorError naming the status and the page being read."""
        url = self.url(path)
        try:
            response = self.session.get(url, params=params, headers=headers, timeout=self.timeout,
                                        allow_redirects=False)
        except requests.Timeout:
            raise ConnectorError(_t("no answer within %(s)s seconds") % {"s": self.timeout[1]}, page=self.page,
                                 url=url) from None
        except requests.RequestException as exc:
            raise ConnectorError(_t("the connection failed (%(error)s)") % {"error": type(exc).__name__},
                                 page=self.page, url=url) from None
        if response.status_code not in allowed:
            raise ConnectorError(self.reason(response), status=response.status_code, page=self.page, url=url)
        try:
            return response.json()
        except ValueError:
            raise ConnectorError(_t("the answer is not JSON"), status=response.status_code, page=self.page,
                                 url=url) from None

    def unexpected(self, reason, path):
        """An answer that is not what the tool documents, on the page being read."""
        return ConnectorError(reason, page=self.page, url=self.url(path))

    @staticmethod
    def reason(response):
        """The tool's own error text when it gives one (short), else the HTTP reason phrase."""
        text = ""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            error = body.get("error") or body.get("errorMessages") or body.get("message") or ""
            if isinstance(error, dict):
                error = error.get("message") or ""
            if isinstance(error, list):
                error = "; ".join(str(e) for e in error)
            text = str(error)
        elif isinstance(body, list) and body:  # GLPI: ["ERROR_SESSION_TOKEN_INVALID", "text"]
            text = " ".join(str(e) for e in body[:2])
        return (text or response.reason or "")[:300]

    # ---- the window ---------------------------------------------------------------------------------

    def fetch(self, since) -> Batch:
        """Every page first: the objects changed since `since`, bounded by max_pages; nothing is written here."""
        batch = Batch()
        try:
            self.start()
            for number, items in enumerate(self.pages(since), start=1):
                batch.pages = number
                for raw in items:
                    batch.records.append(raw)
                    changed = self.updated(raw)
                    if changed and (batch.newest is None or changed > batch.newest):
                        batch.newest = changed
                if number >= self.max_pages:
                    batch.complete = False
                    break
        finally:
            self.stop()
            self.session.close()
        return batch

    def paged(self, fetch_page):
        """Offset paging: `fetch_page(offset)` returns a page's items; stops at a short or empty page."""
        offset, self.page = 0, 0
        while True:
            self.page += 1
            items = fetch_page(offset)
            if items:
                yield items
            if len(items) < self.page_size:
                return
            offset += len(items)


def history_key():
    """Where a source object carries its status history for the profile reader (servicedata.intake.spec.HISTORY)."""
    from ..intake.spec import HISTORY

    return HISTORY


def window_start(cursor):
    """Where the next sync starts reading: the cursor less the overlap (a change written late by the tool is
    read again; the import finds it unchanged). None: everything."""
    if cursor is None:
        return None
    return cursor - timedelta(minutes=settings.SERVPLAN_CONNECTOR_OVERLAP_MINUTES)
