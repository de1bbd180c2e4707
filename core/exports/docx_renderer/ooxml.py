"""Low-level WordprocessingML helpers for the DOCX renderer: fonts, shading, borders, widths, fields, text runs."""

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, RGBColor

# Word rejects files whose child elements are out of schema order, so new
# elements go in front of their possible successors (ECMA-376 sequences).
_RPR_AFTER_RFONTS = tuple(
    f"w:{t}"
    for t in [
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",
        "smallCaps",
        "strike",
        "dstrike",
        "outline",
        "shadow",
        "emboss",
        "imprint",
        "noProof",
        "snapToGrid",
        "vanish",
        "webHidden",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ]
)
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange")
_TCPR_AFTER_SHD = tuple(
    f"w:{t}"
    for t in [
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
        "headers",
        "cellIns",
        "cellDel",
        "cellMerge",
        "tcPrChange",
    ]
)
_TBLPR_AFTER_BORDERS = tuple(
    f"w:{t}"
    for t in [
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
        "tblPrChange",
    ]
)
_PPR_TAIL = [
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
_PPR_AFTER_PBDR = tuple(f"w:{t}" for t in _PPR_TAIL)
_PPR_AFTER_OUTLINE = tuple(
    f"w:{t}" for t in _PPR_TAIL[_PPR_TAIL.index("outlineLvl") + 1 :]
)


def set_run_fonts(rpr, font_name: str) -> None:
    """rFonts with explicit ascii/hAnsi/eastAsia/cs and no theme attributes
    (Word gives theme attributes priority over explicit names)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert_element_before(rfonts, *_RPR_AFTER_RFONTS)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font_name)


def set_lang(rpr, east_asia: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, *_RPR_AFTER_LANG)
    lang.set(qn("w:eastAsia"), east_asia)


def style_or_none(document, name: str):
    try:
        return document.styles[name]
    except KeyError:
        return None


def register_font_fallback(document, font_name: str, alt_name: str) -> None:
    """Add ``<w:font w:name=font_name>`` with ``w:altName`` to fontTable.xml, so
    Word substitutes ``alt_name`` (e.g. SimSun) on machines without the font."""
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable") and not rel.is_external:
            part = rel.target_part
            break
    else:
        return
    root = etree.fromstring(part.blob)
    for font in root.findall(qn("w:font")):
        if font.get(qn("w:name")) == font_name:
            return
    font = etree.SubElement(root, qn("w:font"))
    font.set(qn("w:name"), font_name)
    for tag, value in (
        ("w:altName", alt_name),
        ("w:charset", "86"),
        ("w:family", "swiss"),
        ("w:pitch", "variable"),
    ):
        etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    part._blob = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )


def set_cell_shading(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.insert_element_before(shd, *_TCPR_AFTER_SHD)


def set_table_borders(table, size: int = 4, color: str = "595959") -> None:
    """Single-line grid on every edge (not relying on a "Table Grid" style,
    which company templates may not define)."""
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), color)
        borders.append(el)
    tblpr.insert_element_before(borders, *_TBLPR_AFTER_BORDERS)


def set_repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def set_widths(table, widths_emu: list[int]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_emu, strict=False):
        col.set(qn("w:w"), str(int(Emu(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_emu, strict=False):
            cell.width = Emu(width)


def paragraph_border_bottom(paragraph, color: str = "808080") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "4"),
        ("w:space", "1"),
        ("w:color", color),
    ):
        bottom.set(qn(key), value)
    pbdr.append(bottom)
    ppr.insert_element_before(pbdr, *_PPR_AFTER_PBDR)


def outline_level(paragraph, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level - 1))
    ppr.insert_element_before(el, *_PPR_AFTER_OUTLINE)


def add_field(paragraph, instruction: str, size: float | None = None) -> None:
    """Complex field (PAGE, NUMPAGES) that Word and LibreOffice update."""

    def run_with(element):
        run = paragraph.add_run()
        if size:
            run.font.size = Pt(size)
        run._r.append(element)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} \\* MERGEFORMAT "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    placeholder = paragraph.add_run("1")
    if size:
        placeholder.font.size = Pt(size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def add_text(
    paragraph,
    text: str,
    *,
    bold: bool = False,
    size: float | None = None,
    color: RGBColor | None = None,
):
    """Run(s) with ``\\n`` turned into line breaks."""
    run = paragraph.add_run()
    for i, line in enumerate(text.split("\n")):
        if i:
            run.add_break()
        run.add_text(line)
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return run


def has_content(part_element) -> bool:
    """Does a header/footer already carry text, images or tables?"""
    texts = "".join(t.text or "" for t in part_element.iter(qn("w:t")))
    if texts.strip():
        return True
    for tag in ("w:drawing", "w:pict", "w:object", "w:tbl"):
        if next(part_element.iter(qn(tag)), None) is not None:
            return True
    return False


# --------------------------------------------------------------------------- renderer
