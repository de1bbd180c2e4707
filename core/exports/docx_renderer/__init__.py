"""DOCX export with python-docx, in the layout Chinese companies expect.

Layout: document-information block (文件编号 / 版本 / 密级 / 状态 / 编制部门 /
编制人 ...), title, numbered sections with tables and figures, 修订记录
(revision history) and the 编制 / 审核 / 批准 signature table.  Page header
shows the company (or title) and number + version, the footer the
confidentiality and "第 X 页 / 共 Y 页" fields.

Company letterhead: ``render_docx(doc, template="letterhead.docx")`` opens
the company's own Word file (python-docx ``Document(template)``) and builds
on it.  Page size, margins, styles and the letterhead header/footer (logo,
address) are kept; by default the template body is cleared (its sample text
removed); the ID line and page numbers are appended below the existing
header/footer content.  ``header_footer=False`` leaves the template's header
and footer untouched.  ``font_name=None`` keeps the template's fonts.
A template only needs to be a normal .docx (save it as .docx, not .dotx).
"""

from .document import render_docx

__all__ = ["render_docx"]
