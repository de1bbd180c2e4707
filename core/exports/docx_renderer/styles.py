"""Page set-up and styles of an exported DOCX: fonts (with an East Asian fallback), sizes, headings."""

from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .ooxml import register_font_fallback, set_lang, set_run_fonts, style_or_none

BODY_PT = 10.5  # 五号
TABLE_PT = 9  # 小五
TITLE_PT = 18  # 小二
HEADING_PT = {1: 14, 2: 12, 3: 10.5}  # 四号 / 小四 / 五号
HEADER_FILL = "E7ECF3"
INFO_FILL = "F2F2F2"


def setup_styles(document, font_name: str | None, east_asia_fallback: str | None) -> None:
    styles_el = document.styles.element
    rpr_default = styles_el.find(
        qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr")
    )
    if rpr_default is not None:
        set_lang(rpr_default, "zh-CN")
        if font_name:
            set_run_fonts(rpr_default, font_name)
    if font_name and east_asia_fallback:
        register_font_fallback(document, font_name, east_asia_fallback)

    normal = style_or_none(document, "Normal")
    if normal is not None:
        if font_name:
            set_run_fonts(normal.element.get_or_add_rPr(), font_name)
            normal.font.size = Pt(BODY_PT)
        # w:lang eastAsia = language of the East Asian text runs.
        set_lang(normal.element.get_or_add_rPr(), "zh-CN")
        pf = normal.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(4)
        pf.line_spacing = 1.15
    for name in (
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "Header",
        "Footer",
        "Caption",
        "Title",
    ):
        style = style_or_none(document, name)
        if style is None:
            continue
        if font_name:
            set_run_fonts(style.element.get_or_add_rPr(), font_name)
        if name.startswith("Heading"):
            level = int(name[-1])
            style.font.size = Pt(HEADING_PT[level])
            style.font.bold = True
            style.font.italic = False
            style.font.color.rgb = (
                RGBColor(0x1F, 0x38, 0x64) if level == 1 else RGBColor(0, 0, 0)
            )
            style.paragraph_format.space_before = Pt(12 if level == 1 else 8)
            style.paragraph_format.space_after = Pt(4)
            style.paragraph_format.keep_with_next = True


def a4_portrait(document) -> None:
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = Cm(2.5)
        section.bottom_margin = Cm(2.2)
        section.left_margin = section.right_margin = Cm(2.2)
        section.header_distance = Cm(1.3)
        section.footer_distance = Cm(1.2)

