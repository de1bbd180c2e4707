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
        path = re.sub(r"<(?:\w+:)?%s>" % kwarg, str(value), path)
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
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            if parts.netloc not in ("", "testserver"):
                continue
        yield parts.path


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
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001 - a server error is a finding, the crawl goes on
            pages.append(Page(url, "", f"{type(error).__name__}: {error}"))
            continue
        if response.status_code >= 500:
            pages.append(Page(url, "", f"status {response.status_code}"))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        per_route[route] = per_route.get(route, 0) + 1
        html = response.content.decode()
        pages.append(Page(url, html))
        queue.extend(link for link in _links(html, url) if link not in seen)
    return pages


def demo_pages(client):
    """The URLs of every page the signed-in client reaches in the demo company."""
    return [page.url for page in crawl(client) if not page.error]
