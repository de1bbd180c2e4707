"""Every page of the demo company a signed-in client reaches, found by itself (issue 11).

Two sources, so that a new page is visited without anyone listing it:
* the URL configuration: every route that answers GET with a page, filled in with one demo object per route (the
  object a route's `<pk>` names follows the convention tests/test_scopes.py checks: `<model_name>/<int:pk>/`);
* the pages themselves: same-site links found in them are followed (GET only, bounded per route), which is how a
  project manager reaches the objects of their own project.

Downloads (exports, spreadsheets, ICS), progress probes, logout, language switching and every route whose view
answers only POST are left out: the crawl reads, it never acts.

`demo_pages(client)` is the list of URLs; `crawl(client)` also returns each page's HTML so a test can read it.
"""

import re
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, get_resolver, resolve

from tests.test_scopes import IRREGULAR, ROW_KWARGS, _model_named, _walk

# Routes that are not pages a person reads: downloads, JSON probes, actions, sign-out.
NOT_PAGES = re.compile(r"(^|/)(export|xlsx|ics|progress|delete|transition|logout|setlang|jsi18n|import-template"
                       r"|recompute|generate|invite|close|resolve)/|^attachments/|^api/|^admin/|^static/|^media/")
PER_ROUTE = 1  # one page per route and role: each kind of page seen once, bounded however many objects there are
LIMIT = 600  # pages per crawl, whatever the links say


def page_routes():
    """(route, pattern) of every route that may answer GET with a page."""
    found = []
    for route, pattern, _namespace in _walk(get_resolver().url_patterns):
        if NOT_PAGES.search(route):
            continue
        view = getattr(pattern.callback, "view_class", None)
        if view is not None and not hasattr(view, "get"):
            continue
        found.append((route, pattern))
    return found


def _object_for(route):
    from django.apps import apps

    if "<int:pk>" not in route:
        return None
    label = IRREGULAR.get(route)
    segment = route.split("<int:pk>")[0].rstrip("/").rsplit("/", 1)[-1]
    model = apps.get_model(label) if label else _model_named(segment)
    return model.objects.order_by("pk").first() if model is not None else None


def _fill(route, obj):
    """The route's path with the object's pk and, for other ids, one of the object's own rows; None if none."""
    path = route
    for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if kwarg == "pk":
            value = obj.pk
        else:
            wanted = ROW_KWARGS.get(kwarg, kwarg)
            relation = next((r for r in obj._meta.related_objects
                             if wanted in r.related_model._meta.model_name), None)
            row = relation and relation.related_model.objects.filter(**{relation.field.name: obj}).first()
            if row is None:
                return None
            value = row.pk
        path = re.sub(rf"<(?:\w+:)?{kwarg}>", str(value), path)
    return "/" + path


def seed_urls():
    """One URL per page route: the lists and forms as they are, object pages with one demo object each."""
    urls = []
    for route, _pattern in page_routes():
        if "<" not in route:
            urls.append("/" + route)
            continue
        obj = _object_for(route)
        url = obj is not None and _fill(route, obj)
        if url:
            urls.append(url)
    return urls


LINK = re.compile(r'href="([^"#]+)')


def _route_of(path):
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _links(html, base):
    for href in LINK.findall(html):
        href = href.replace("&amp;", "&")
        parts = urlsplit(urljoin(base, href))
        if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
            yield parts.path


def _get(client, url):
    """GET through the client's handler with its cookies and headers, without the test client's recording of
    every template's context (copying the contexts of a few hundred pages costs more than rendering them).
    A server error comes back as a 500 response (Django's handler turns the exception into one)."""
    from django.core.signals import got_request_exception

    raised = []

    def remember(sender, request=None, **kwargs):
        import sys

        error = sys.exc_info()[1]
        raised.append(f"{type(error).__name__}: {error}")

    got_request_exception.connect(remember, dispatch_uid="tests.crawl")
    try:
        parts = urlsplit(url)
        response = client.handler(client._base_environ(PATH_INFO=parts.path, QUERY_STRING=parts.query,
                                                       REQUEST_METHOD="GET"))
    finally:
        got_request_exception.disconnect(dispatch_uid="tests.crawl")
    response.error = raised[0] if raised else f"status {response.status_code}"
    return response


class Page(NamedTuple):
    url: str
    html: str  # empty when the page failed
    error: str = ""  # the exception a page raised (a server error), for the test to report


def crawl(client):
    """[Page] of every page the signed-in client reaches (status 200, HTML) and of every page that failed with a
    server error; seeds first, then the links found in pages."""
    pages, seen, per_route = [], set(), {}
    queue = seed_urls()
    allowed = {route for route, _ in page_routes()}
    while queue and len(pages) < LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        route = _route_of(url)
        if route is None or route not in allowed or per_route.get(route, 0) >= PER_ROUTE:
            continue
        response = _get(client, url)
        if response.status_code >= 500:
            pages.append(Page(url, "", response.error))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        per_route[route] = per_route.get(route, 0) + 1
        html = response.content.decode()
        pages.append(Page(url, html))
        queue.extend(link for link in _links(html, url) if link not in seen)
    return pages


def visit(client, urls):
    """[Page] of the given URLs (found by an earlier crawl), without following links."""
    pages = []
    for url in urls:
        response = _get(client, url)
        if response.status_code >= 500:
            pages.append(Page(url, "", response.error))
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            pages.append(Page(url, response.content.decode()))
    return pages


def route_of(url):
    """The URL pattern a page belongs to (`projects/workplan/<int:pk>/`)."""
    return _route_of(urlsplit(url).path)


def demo_pages(client):
    """The URLs of every page the signed-in client reaches in the demo company."""
    return [page.url for page in crawl(client) if not page.error]


# ---- what a person must never read ---------------------------------------------------------------------------

TIME_PATTERNS = {
    "UTC offset": re.compile(r"\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)\b|\bUTC\b|\bGMT\b"),
    "microseconds": re.compile(r"\d{2}:\d{2}:\d{2}\.\d{3,}"),
    "seconds in a time": re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}\b"),
    "another date format": re.compile(r"\b[ap]\.m\.|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\. \d{1,2}, "
                                      r"\d{4}"),
}
RAW_PATTERNS = {
    # `None`, `True`, `False` as a value (alone, or next to an arrow, colon, comma, bracket), not the English word.
    "Python literal": re.compile(r"\[\]|\{\}|\{'|\['|\bdatetime\.|\bDecimal\(|^(?:None|True|False)$"
                                r"|(?:→|->|:|\[|\(|,)\s*(?:None|True|False)\b|\b(?:None|True|False)\s*(?:→|->|,|\]|\))"),
    "permission codename": re.compile(r"\b(?:view|add|change|delete|approve)_[a-z_]+\b|\bview/add/change\b"),
    "file path": re.compile(r"\b[\w-]+/[\w./-]*\.(?:py|html|po|mo|txt|json)\b"),
    "requirement id": re.compile(r"\bSP-\d+(?:\.\d+)*\b|\bSPEC\b"),
}
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
# Elements whose text is the application's own words (chrome), not data people wrote.
# Headings and titles hold records' names (data) too, so they are checked only for the catalogue's own words.
CHROME = {"label", "th", "button", "legend", "summary", "dt", "caption", "thead", "menu"}
CHROME_CLASSES = re.compile(r"\b(?:badge|btn|nav-link|dropdown-item|dropdown-header|form-text)\b")
SKIPPED = {"script", "style", "template", "noscript", "svg"}
READABLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


DATA, CHROME_TEXT, FOREIGN = "data", "chrome", "foreign"


def _texts(html):
    """[(text, kind)] of every piece of text a person reads on the page: the application's own words (CHROME),
    data people wrote (DATA), or text marked as another language or a proper name (`lang="en"` on an English name
    in a Chinese page, `translate="no"` on a person's name: FOREIGN), which is not held to the page's language."""
    import lxml.html

    root = lxml.html.fromstring(html)
    found = []

    def visit(element, kind):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIPPED:
            return
        if (element.get("lang") and tag != "html") or element.get("translate") == "no":
            kind = FOREIGN
        elif tag == "label" and (element.find(".//input") is not None or "form-check-label" in (element.get("class")
                                                                                             or "")):
            kind = DATA  # a choice among rows (attendees, contracts): their names, not the application's words
        elif kind == DATA and (tag in CHROME or CHROME_CLASSES.search(element.get("class") or "")):
            kind = CHROME_TEXT
        for name in READABLE_ATTRIBUTES:
            if element.get(name):
                found.append((element.get(name).strip(), kind))
        if tag == "input" and element.get("type") in ("submit", "button") and element.get("value"):
            found.append((element.get("value").strip(), kind if kind == FOREIGN else CHROME_TEXT))
        if element.text and element.text.strip() and tag:
            found.append((element.text.strip(), kind))
        for child in element:
            visit(child, kind)
            if child.tail and child.tail.strip():
                found.append((child.tail.strip(), kind))

    visit(root, DATA)
    return found


def _translations():
    """{English msgid: Chinese msgstr} of the project's catalogue, for words that must not stay English."""
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    catalogue, current, key = {}, {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
            key, _space, rest = line.partition(" ")
            current[key] = rest[1:-1]
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
        elif not line.strip():
            msgid, msgstr = current.get("msgid", ""), current.get("msgstr", "")
            if len(msgid) > 2 and msgstr and msgid != msgstr and "%" not in msgid and "{" not in msgid \
                    and "fuzzy" not in current.get("flags", ""):
                catalogue[msgid.replace('\\"', '"')] = msgstr.replace('\\"', '"')
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line
    return catalogue


def _choice_codes():
    """Stored choice values whose label differs: `resolution`, `P2`, `approve_department` must read as labels."""
    from django.apps import apps

    codes = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                # A value its label starts with (`P1` of "P1 – critical") is the label's short form, not a code.
                if isinstance(value, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", value) \
                        and not str(label).startswith(value):
                    codes.add(value)
    return codes


_CACHE = {}


def _cached(name, make):
    if name not in _CACHE:
        _CACHE[name] = make()
    return _CACHE[name]


def findings(text_pieces, language):
    """[(what, snippet)] a person should not read in these [(text, kind)], shown in `language` ("en" or
    "zh-hans"). Any text may not hold a raw time, literal, code, path or requirement id; the application's own
    words (CHROME) must be in the page's language: in English no Chinese, in Chinese no English word of the
    catalogue (a msgid that has a translation was not translated). Data may be in either language."""
    found = []
    english = language.startswith("en")
    translated = _cached("translations", _translations)
    codes = _cached("codes", _choice_codes)
    for text, kind in text_pieces:
        for what, pattern in (*TIME_PATTERNS.items(), *RAW_PATTERNS.items()):
            match = pattern.search(text)
            if match:
                found.append((what, _snippet(text, match)))
        tokens = [t for t in re.split(r"[\s,，、;/]+", text) if t]
        if kind != FOREIGN and tokens and all(t in codes for t in tokens) and not (english and text in translated):
            found.append(("internal code", text[:80]))
        elif kind != CHROME_TEXT:
            continue
        elif english and CJK.search(text):
            found.append(("Chinese in the English chrome", text[:80]))
        elif not english and text in translated:
            found.append(("English not translated", text[:80]))
    return found


def _snippet(text, match):
    return text[max(0, match.start() - 30):match.end() + 30]


def page_findings(page, language):
    """[(what, snippet)] on one crawled page."""
    if page.error:
        return [("server error", page.error)]
    return findings(_texts(page.html), language)
