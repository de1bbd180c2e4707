"""Every page of the demo company, as every role, in both languages, reads as a person expects (issue 11).

The pages are found by tests/crawl.py (the URL configuration and the links in pages), so a new page is checked
without anyone listing it. Nothing on them may show a UTC offset, seconds or microseconds of a time, another
date format, a Python literal, an internal code, a permission codename, a file path, a requirement id, or a
string of the other language in the application's own words. Each record type's PDF and DOCX export is read
the same way (its text, through pdftotext and python-docx).

Each (role, language) is crawled once per session; a test reports every finding of that crawl at once. To keep
the whole under a few minutes, every role crawls every page it reaches in Chinese (the default language, where
an untranslated string shows), and in English each kind of page (URL pattern) is read once, by the first role
that reaches it, from the URLs its Chinese crawl found: Chinese left in the English chrome comes from a template
or the code, the same for every role.
"""

import io
import shutil
import subprocess

import pytest
from django.test import Client

from conftest import require
from core.tests.test_record_types import ROLE_USER
from tests.crawl import DATA, _translations, crawl, findings, page_findings, route_of, visit

LANGUAGES = ("zh-hans", "en")
_CRAWLS = {}
_READ_IN_ENGLISH = set()  # URL patterns already read in English by an earlier role


def _signed_in(user, language):
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def _crawl(demo, username, language):
    """The pages of one (role, language), crawled once per session (the demo company does not change)."""
    if (username, language) not in _CRAWLS:
        client = _signed_in(demo[username], language)
        if language == LANGUAGES[0]:
            _CRAWLS[(username, language)] = crawl(client)
        else:
            found = [page.url for page in _crawl(demo, username, LANGUAGES[0]) if not page.error]
            fresh = {}
            for url in found:
                fresh.setdefault(route_of(url), url)
            unread = [url for route, url in fresh.items() if route not in _READ_IN_ENGLISH]
            _READ_IN_ENGLISH.update(fresh)
            _CRAWLS[(username, language)] = visit(client, unread)
    return _CRAWLS[(username, language)]


def _report(found):
    lines = [f"{url} [{username}, {language}] {what}: {snippet!r}" for url, username, language, what, snippet in found]
    return f"{len(lines)} finding(s):\n" + "\n".join(lines[:200])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("username", sorted(set(ROLE_USER.values())))
def test_every_page_reads_as_a_person_expects(demo, username, language):
    pages = _crawl(demo, username, language)
    if language == LANGUAGES[0]:  # a customer contact reaches only their own view (tests/test_customer_scope.py)
        assert len(pages) > (4 if username == "customer" else 20), f"{username} reached only {[p.url for p in pages]}"
    found = [(page.url, username, language, what, snippet)
             for page in pages for what, snippet in page_findings(page, language)]
    if found:  # pytest.fail, not assert: the report is the message, not a rewritten repr of thousands of rows
        pytest.fail(_report(found), pytrace=False)


def test_the_crawl_finds_pages_by_itself(demo):
    """Object pages of a project manager's own project are reached through links, not only from the seeds."""
    urls = {page.url for page in _crawl(demo, "pm", "zh-hans")}
    from projects.models import Project

    project = Project.objects.of_member(demo["pm"]).order_by("pk").first()
    assert project.get_absolute_url() in urls
    assert "/org/me/" in urls  # My settings, from the header's user menu


# ---- exports: each record type's PDF and DOCX, read as text -----------------------------------------------------

def _record_types():
    from core.registry import registry

    return [t for t in registry if t.implemented]


def _pdf_text(content):
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def _docx_text(content):
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def _unwrapped(lines):
    """A document's lines, a table cell's words wrapped onto the next line joined again: a line that starts in
    lower case continues the one before ("Project" / "plan" is "Project plan", not the code `plan`)."""
    joined = []
    for line in (line.strip() for line in lines):
        if line and joined and line[0].islower():
            joined[-1] = f"{joined[-1]} {line}"
        elif line:
            joined.append(line)
    return joined


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_export_reads_as_a_person_expects(demo, language):
    from django.apps import apps
    from django.urls import reverse

    client = _signed_in(demo["admin"], language)
    untranslated = set(_translations())
    found, exported = [], 0
    for record_type in _record_types():
        model = apps.get_model(record_type.model_label)
        obj = model.objects.order_by("pk").first()
        if obj is None:
            continue
        reader = client
        if hasattr(model, "restrict_rows"):  # a type only some may read (security incidents): one of them exports
            reader = next(_signed_in(user, language) for user in demo.values()
                          if model.objects.restrict(user, "view").filter(pk=obj.pk).exists())
        url = reverse(f"{model._meta.app_label}:{model._meta.model_name}_export", args=[obj.pk])
        for fmt, read in (("pdf", _pdf_text), ("docx", _docx_text)):
            response = reader.get(url, {"format": fmt})
            assert response.status_code == 200, f"{url}?format={fmt}: {response.status_code}"
            exported += 1
            # A document has no markup telling labels from data: its lines are held to everything but the
            # language (the demo's data is Chinese); English labels left in a Chinese document are caught below.
            lines = [(line, DATA) for line in _unwrapped(read(response.content).splitlines())]
            found.extend((f"{url}?format={fmt}", "admin", language, what, snippet)
                         for what, snippet in findings(lines, language))
            if not language.startswith("en"):
                found.extend((f"{url}?format={fmt}", "admin", language, "English not translated", text)
                             for text, _kind in lines if text in untranslated)
    assert exported >= 2 * 10
    if found:  # pytest.fail, not assert: the report is the message, not a rewritten repr of thousands of rows
        pytest.fail(_report(found), pytrace=False)


def test_the_checks_catch_what_a_person_must_not_read(db):
    """The crawl's checks themselves: each kind of raw text is found, data people wrote is left alone."""
    from tests.crawl import Page

    raw = Page("/x/", """<html><body><h1>Contract</h1><table><thead><tr><th>状态</th></tr></thead><tbody>
        <tr><td>2026-11-12 06:00:00+00:00</td><td>2026-11-12 14:00:05.123456</td><td>Tasks: None → 5</td>
        <td>{'version': 1}</td><td>[]</td><td>see core/permissions.py</td><td>SP-4.3.2 Team</td>
        <td>approve_department</td><td>tsd_director</td><td>Nov. 30, 2026, 3:36 a.m.</td></tr></tbody></table>
        <script>var x = {'a': None};</script></body></html>""")
    kinds = {what for what, _snippet in page_findings(raw, "en")}
    assert kinds >= {"UTC offset", "microseconds", "seconds in a time", "Python literal", "file path",
                     "requirement id", "permission codename", "internal code", "another date format",
                     "Chinese in the English chrome"}
    chinese = Page("/x/", "<html><body><h1>合同</h1><button>Save</button><td>Acme Ltd</td></body></html>")
    assert [what for what, _snippet in page_findings(chinese, "zh-hans")] == ["English not translated"]
    fine = Page("/x/", """<html><body><h1>Contract</h1><table><tr><th>Customer</th><td>温州市水务集团</td></tr>
        <tr><th>Signed</th><td>2026-11-30 14:00</td></tr></table><p>None listed.</p>
        <button><span translate="no">王建国</span></button></body></html>""")
    assert page_findings(fine, "en") == []
