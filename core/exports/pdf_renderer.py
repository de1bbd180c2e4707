"""PDF export: ExportDocument -> HTML string (no Django templates) -> WeasyPrint.

The HTML embeds the cached Noto Sans SC TTF (core.fonts) through
``@font-face { src: url(file://...) }`` so every PDF carries its CJK font and
renders identically on any server, independent of installed system fonts.
"""

from __future__ import annotations

import base64
import os
import re
from datetime import UTC, datetime
from html import escape

from core.fonts import FONT_FAMILY, FontSet, ensure_fonts

from .model import (
    ExportDocument,
    Image,
    Table,
    column_weights,
    format_value,
    image_mime,
    is_number,
    width_in_units,
)

__all__ = ["PDF_CSS", "render_html", "render_pdf"]

TEXT_WIDTH_PT = (210 - 18 - 18) / 25.4 * 72  # A4 less the @page side margins below
TABLE_PT = 9  # table.grid font-size below

FONT_SUBSET_EPOCH = "1704067200"  # 2024-01-01, any fixed time

FALLBACK_FONTS = '"Source Han Sans SC", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimSun", "DejaVu Sans", sans-serif'

PDF_CSS = """
@page {
  size: A4;
  margin: 25mm 18mm 20mm 18mm;
  @top-left {
    content: $header_left; width: 60%;
    font-size: 8pt; color: #555; vertical-align: bottom;
    padding-bottom: 1.5mm; margin-bottom: 5mm; border-bottom: 0.6pt solid #888;
  }
  @top-right {
    content: $header_right; width: 40%; text-align: right; white-space: pre;
    font-size: 8pt; color: #555; vertical-align: bottom;
    padding-bottom: 1.5mm; margin-bottom: 5mm; border-bottom: 0.6pt solid #888;
  }
  @bottom-left {
    content: $footer_left; font-size: 8pt; color: #555;
  }
  @bottom-center {
    content: $footer_page; font-size: 8pt; color: #555;
  }
}
html { font-family: "$family", $fallback; font-size: 10pt; line-height: 1.55; color: #111; }
body { margin: 0; }
table.docinfo { width: 100%; border-collapse: collapse; margin: 0 0 6mm 0; font-size: 9pt; }
table.docinfo th, table.docinfo td { border: 0.6pt solid #555; padding: 1.2mm 2mm; vertical-align: middle; }
table.docinfo th { background: #eef1f5; font-weight: 700; text-align: center; white-space: nowrap; width: 15%; }
table.docinfo td { width: 35%; }
h1.doc-title { font-size: 18pt; font-weight: 700; text-align: center; margin: 2mm 0 1mm 0; letter-spacing: 0.05em; }
p.doc-subtitle { text-align: center; font-size: 11pt; color: #444; margin: 0 0 4mm 0; }
.title-rule { border: 0; border-top: 1.2pt solid #1f3864; margin: 3mm 0 6mm 0; }
h2, h3, h4 { font-weight: 700; break-after: avoid; page-break-after: avoid; }
h2 { font-size: 13pt; margin: 6mm 0 2mm 0; color: #1f3864; }
h3 { font-size: 11.5pt; margin: 4mm 0 1.5mm 0; }
h4 { font-size: 10.5pt; margin: 3mm 0 1mm 0; }
p { margin: 0 0 2mm 0; text-align: justify; orphans: 2; widows: 2; }
html:lang(zh-CN) section p { text-indent: 2em; }
figure { margin: 3mm 0 4mm 0; }
figure.tbl figcaption { text-align: center; font-size: 9pt; font-weight: 700; margin-bottom: 1.5mm; break-after: avoid; }
figure.img { text-align: center; break-inside: avoid; }
figure.img img { max-width: 100%; }
figure.img figcaption { font-size: 9pt; font-weight: 700; margin-top: 1.5mm; }
table.grid { width: 100%; border-collapse: collapse; font-size: 9pt; line-height: 1.45; }
table.grid th, table.grid td { border: 0.6pt solid #555; padding: 1mm 1.6mm; vertical-align: top; overflow-wrap: anywhere; }
table.grid thead th { background: #eef1f5; font-weight: 700; text-align: center; vertical-align: middle; }
table.grid tr { break-inside: avoid; }
table.grid td.num { text-align: right; white-space: nowrap; }
table.grid td.center { text-align: center; }
table.sign td { height: 11mm; vertical-align: middle; text-align: center; }
section.back { break-inside: avoid; }
"""


def _css_string(text: str) -> str:
    """A CSS string literal."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _css_page_counter(template: str) -> str:
    """'第 {page} 页 / 共 {pages} 页' -> CSS content with counters."""
    parts = []
    for token in re.split(r"(\{pages?\})", template):
        if token == "{page}":
            parts.append("counter(page)")
        elif token == "{pages}":
            parts.append("counter(pages)")
        elif token:
            parts.append(_css_string(token))
    return " ".join(parts) or '""'


def _text(value: str) -> str:
    """Escaped text with line breaks."""
    return escape(value).replace("\n", "<br>")


def _table_html(
    table: Table, doc: ExportDocument, number: int | None, css_class: str = "grid"
) -> str:
    weights = column_weights(table, doc.language, total=width_in_units(TEXT_WIDTH_PT, TABLE_PT))
    total = sum(weights) or 1.0
    out = []
    if number is not None:
        out.append('<figure class="tbl">')
        if table.caption:
            caption = doc.label("table_caption", n=number, caption=table.caption)
            out.append(f"<figcaption>{_text(caption)}</figcaption>")
    out.append(f'<table class="{css_class}"><colgroup>')
    out.extend(f'<col style="width:{100 * w / total:.2f}%">' for w in weights)
    out.append("</colgroup><thead><tr>")
    out.extend(f"<th>{_text(str(c))}</th>" for c in table.columns)
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        out.append("<tr>")
        cells = list(row) + [None] * (len(table.columns) - len(row))
        for value in cells[: len(table.columns)]:
            cls = ' class="num"' if is_number(value) else ""
            out.append(f"<td{cls}>{_text(format_value(value, doc.language))}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    if number is not None:
        out.append("</figure>")
    return "".join(out)


def _image_html(image: Image, doc: ExportDocument, number: int) -> str:
    src = (
        f"data:{image_mime(image.data)};base64,{base64.b64encode(image.data).decode()}"
    )
    style = f' style="width:{image.width_cm:.2f}cm"' if image.width_cm else ""
    caption = ""
    if image.caption:
        caption = f"<figcaption>{_text(doc.label('figure_caption', n=number, caption=image.caption))}</figcaption>"
    return f'<figure class="img"><img src="{src}"{style} alt="{escape(image.caption)}">{caption}</figure>'


def _docinfo_html(doc: ExportDocument) -> str:
    items = doc.info_items()
    if not items:
        return ""
    rows = []
    for i in range(0, len(items), 2):
        pair = items[i : i + 2]
        cells = [
            f"<th>{_text(label)}</th><td>{_text(value)}</td>" for label, value in pair
        ]
        if len(pair) == 1:  # odd count: last value spans the row
            label, value = pair[0]
            cells = [f'<th>{_text(label)}</th><td colspan="3">{_text(value)}</td>']
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="docinfo">{"".join(rows)}</table>'


def render_html(
    doc: ExportDocument, *, fonts: FontSet | None = None, extra_css: str = ""
) -> str:
    """The self-contained HTML that :func:`render_pdf` prints.

    ``fonts``: a :class:`core.fonts.FontSet` (default: ``ensure_fonts()``).
    ``extra_css`` is appended after the built-in stylesheet (company tweaks).
    """
    fonts = fonts or ensure_fonts()
    font_faces = "".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; font-style: normal; '
        f'src: url("{path.as_uri()}") format("truetype"); }}\n'
        for weight, path in ((400, fonts.regular), (700, fonts.bold))
    )
    footer_left = ""
    if doc.confidentiality:
        footer_left = (
            f"{doc.label('confidentiality')}：{doc.confidentiality}"
            if doc.is_chinese
            else (f"{doc.label('confidentiality')}: {doc.confidentiality}")
        )
    css = (
        PDF_CSS.replace("$header_left", _css_string(doc.company or doc.title))
        .replace("$header_right", _css_string(doc.page_header_text()))
        .replace("$footer_left", _css_string(footer_left))
        .replace("$footer_page", _css_page_counter(doc.label("page")))
        .replace("$family", FONT_FAMILY)
        .replace("$fallback", FALLBACK_FONTS)
    )
    lang = "zh-CN" if doc.is_chinese else "en"

    body = [_docinfo_html(doc), f'<h1 class="doc-title">{_text(doc.title)}</h1>']
    if doc.subtitle:
        body.append(f'<p class="doc-subtitle">{_text(doc.subtitle)}</p>')
    body.append('<hr class="title-rule">')

    table_no = figure_no = 0
    for section, heading in zip(doc.sections, doc.numbered_headings(), strict=True):
        level = min(max(section.level, 1), 3) + 1
        body.append(f"<section><h{level}>{_text(heading)}</h{level}>")
        body.extend(
            f"<p>{_text(format_value(p, doc.language))}</p>" for p in section.paragraphs
        )
        for table in section.tables:
            table_no += bool(table.caption)  # only captioned tables are numbered: 表1, 表2, 表3 without gaps
            body.append(_table_html(table, doc, table_no))
        for image in section.images:
            figure_no += 1
            body.append(_image_html(image, doc, figure_no))
        body.append("</section>")

    if doc.revision_history:
        table = Table(
            columns=[
                doc.label(k)
                for k in ("rev_version", "rev_date", "rev_author", "rev_change")
            ],
            rows=[
                [r.version, r.date, r.author, r.change] for r in doc.revision_history
            ],
            widths=[1.2, 1.6, 1.6, 5.6],
        )
        body.append(
            f'<section class="back"><h2>{_text(doc.label("revision_history"))}</h2>'
        )
        body.append(_table_html(table, doc, None) + "</section>")

    if doc.signatures:
        table = Table(
            columns=[
                doc.label(k)
                for k in ("sig_role", "sig_name", "sig_signature", "sig_date")
            ],
            rows=[[s.role_label, s.name, "", s.date] for s in doc.signatures],
            widths=[1.5, 2.5, 3.5, 2.5],
        )
        body.append(f'<section class="back"><h2>{_text(doc.label("signatures"))}</h2>')
        body.append(_table_html(table, doc, None, css_class="grid sign") + "</section>")

    meta = [
        f"<title>{escape(doc.title)}</title>",
        '<meta name="generator" content="ServPlan">',
    ]
    if doc.author:
        meta.append(f'<meta name="author" content="{escape(doc.author)}">')
    if doc.number:
        meta.append(f'<meta name="keywords" content="{escape(doc.number)}">')
    if doc.subtitle:
        meta.append(f'<meta name="description" content="{escape(doc.subtitle)}">')
    for name, value in (("dcterms.created", doc.created), ("dcterms.modified", doc.modified or doc.created)):
        if value is not None:
            meta.append(f'<meta name="{name}" content="{_w3c_datetime(value)}">')
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">{"".join(meta)}'
        f"<style>\n{font_faces}{css}\n{extra_css}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _w3c_datetime(value) -> str:
    """The W3C date-time WeasyPrint reads from <meta name="dcterms.*">: UTC, seconds, "Z"."""
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def render_pdf(
    doc: ExportDocument,
    *,
    font_cache: str | os.PathLike[str] | None = None,
    extra_css: str = "",
) -> bytes:
    """Render ``doc`` as an A4 PDF with the Noto Sans SC font embedded."""
    from weasyprint import HTML  # heavy import, only when a PDF is requested

    fonts = ensure_fonts(font_cache)
    # The embedded font subset carries a "modified" time; fontTools takes it from SOURCE_DATE_EPOCH when set, so the
    # same document renders to the same bytes (an issued report's copy does not change when it is exported again).
    os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_SUBSET_EPOCH)
    html = render_html(doc, fonts=fonts, extra_css=extra_css)
    return HTML(string=html, url_fetcher=_restricted_fetcher(fonts)).write_pdf()


def _restricted_fetcher(fonts: FontSet):
    """Only our font files and data: URIs; never the network or other local files.

    All user text is escaped, this is defence in depth (and keeps a stray
    url() in ``extra_css`` from stalling a render on a network timeout).
    """
    from weasyprint.urls import URLFetcher

    allowed = {path.as_uri() for path in fonts.paths}

    class RestrictedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:") or url.split("?")[0] in allowed:
                return super().fetch(url, headers)
            raise ValueError(f"export PDF: blocked URL {url[:80]!r}")

    return RestrictedFetcher()
