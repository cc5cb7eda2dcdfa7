"""The comment-resolution matrix as CSV and .docx, in the ISO commenting template's columns.

Exports take the already-filtered list of comments a person may see; nothing here queries.
"""

from __future__ import annotations

import csv
import io

import docx
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from flask_babel import gettext as _

from egi.comments.models import Comment
from egi.comments.presentation import BLOCK_KINDS, author_label, author_sector_label


def _columns() -> list[str]:
    return [
        _("Member / sector"), _("Block"), _("Clause"), _("Paragraph / figure / table"),
        _("Type"), _("Comment"), _("Proposed change"),
        _("Observations (disposition and response)"), _("Version"), _("Status"),
        _("Commenter response"),
    ]


def _row(viewer, comment: Comment, version_numbers: dict[int, int]) -> list[str]:
    if comment.is_retracted:
        body = _("Retracted by its author.")
        proposed = ""
    else:
        body, proposed = comment.body, comment.proposed_wording
    observations = ""
    if comment.disposition is not None:
        observations = str(comment.disposition.label)
        if comment.disposition_response:
            observations += ": " + comment.disposition_response
    response = ""
    if comment.commenter_response is not None:
        response = str(comment.commenter_response.label)
        if comment.commenter_note:
            response += ": " + comment.commenter_note
    return [
        f"{author_label(viewer, comment)} ({author_sector_label(comment)})",
        comment.block_number or _("General"),
        comment.chapter or "—",
        str(BLOCK_KINDS.get(comment.block.kind, "")) if comment.block is not None
        else _("Whole document"),
        f"{comment.kind.code} — {comment.kind.label}",
        body, proposed, observations,
        str(version_numbers.get(comment.version_id, "")), str(comment.status.label), response,
    ]


def _safe_cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in spreadsheet programs.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(viewer, comments: list[Comment], version_numbers: dict[int, int]) -> bytes:
    """UTF-8 CSV with a BOM so spreadsheet programs read accents right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_columns())
    for comment in comments:
        writer.writerow([_safe_cell(v) for v in _row(viewer, comment, version_numbers)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_docx(viewer, title: str, comments: list[Comment], version_numbers: dict[int, int]) -> bytes:
    """A landscape Word table, one row per comment."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.5))
    document.core_properties.author = ""
    document.core_properties.last_modified_by = ""
    document.core_properties.title = title
    document.add_heading(_("Comment-resolution matrix"), level=1)
    document.add_paragraph(title)
    columns = _columns()
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(8)
    for comment in comments:
        cells = table.add_row().cells
        for cell, text in zip(cells, _row(viewer, comment, version_numbers), strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(8)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
