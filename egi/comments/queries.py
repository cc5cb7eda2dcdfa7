"""Read-only comment queries. Every one filters through visible_comments_clause()."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from egi.auth.models import Sector, User
from egi.comments.models import (
    Comment,
    CommentReply,
    CommentStatus,
    CommentType,
    Disposition,
)
from egi.extensions import db
from egi.manuals.models import Block, Manual, Version
from egi.permissions import comments_by_author_clause, visible_comments_clause


@dataclass
class CommentFilters:
    """What a person can narrow the comment list by."""

    sector: Sector | None = None
    kind: CommentType | None = None
    status: CommentStatus | None = None
    disposition: Disposition | None = None
    chapter: str = ""
    author_id: int | None = None
    version_id: int | None = None
    text: str = ""
    blocking_only: bool = False


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def visible_comments(user: User, manual: Manual, filters: CommentFilters | None = None,
                     limit: int | None = None, *, with_blocks: bool = True) -> list[Comment]:
    """The comments of `manual` that `user` may read, filtered, oldest first.

    `with_blocks` loads each comment's block too (exports need it; the reading page has the
    blocks already, and selectinload would add one query per 500 comments).
    """
    filters = filters or CommentFilters()
    query = sa.select(Comment).where(visible_comments_clause(user, manual))
    if with_blocks:
        query = query.options(selectinload(Comment.block))
    if filters.sector:
        query = query.where(Comment.author_sector == filters.sector)
    if filters.kind:
        query = query.where(Comment.kind == filters.kind)
    if filters.status:
        query = query.where(Comment.status == filters.status)
    if filters.disposition:
        query = query.where(Comment.disposition == filters.disposition)
    if filters.chapter:
        query = query.where(Comment.chapter == filters.chapter)
    if filters.author_id:
        query = query.where(comments_by_author_clause(user, filters.author_id))
    if filters.version_id:
        query = query.where(Comment.version_id == filters.version_id)
    if filters.blocking_only:
        query = query.where(Comment.commenter_response == "maintains_objection",
                            Comment.status != CommentStatus.CLOSED)
    if filters.text:
        pattern = _like(filters.text)
        reply_match = sa.select(CommentReply.id).where(
            CommentReply.comment_id == Comment.id, CommentReply.body.ilike(pattern, escape="\\"))
        query = query.where(sa.or_(
            Comment.body.ilike(pattern, escape="\\"),
            Comment.proposed_wording.ilike(pattern, escape="\\"),
            Comment.disposition_response.ilike(pattern, escape="\\"),
            Comment.quote.ilike(pattern, escape="\\"), reply_match.exists()))
    query = query.order_by(Comment.id)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def replies_by_comment(comments: list[Comment]) -> dict[int, list[CommentReply]]:
    """All replies of the given comments, in one query, grouped by comment."""
    grouped: dict[int, list[CommentReply]] = defaultdict(list)
    ids = [c.id for c in comments]
    if ids:
        for answer in db.session.scalars(sa.select(CommentReply).where(
                CommentReply.comment_id.in_(ids)).order_by(CommentReply.id)):
            grouped[answer.comment_id].append(answer)
    return grouped


def visible_count(user: User, manual: Manual, *, open_only: bool = False) -> int:
    """How many comments `user` may see on the manual (counts obey the audience too)."""
    query = sa.select(sa.func.count(Comment.id)).where(visible_comments_clause(user, manual))
    if open_only:
        query = query.where(Comment.status != CommentStatus.CLOSED)
    return db.session.scalar(query) or 0


@dataclass
class CoverageCell:
    total: int = 0
    open: int = 0


@dataclass
class Coverage:
    """Chapters x sectors with comment counts: where nobody has been heard stands out."""

    chapters: list[tuple[str, str]]  # (chapter number or "", heading text)
    sectors: list[Sector]
    cells: dict[tuple[str, Sector], CoverageCell] = field(default_factory=dict)
    maximum: int = 0

    def cell(self, chapter: str, sector: Sector) -> CoverageCell:
        return self.cells.get((chapter, sector), CoverageCell())

    def silent_chapters(self) -> list[str]:
        """Chapters on which no sector has commented."""
        return [number for number, _title in self.chapters
                if all(self.cell(number, s).total == 0 for s in self.sectors)]


def coverage(user: User, manual: Manual, version: Version) -> Coverage:
    """The coverage matrix of a version's chapters; counts only what `user` may see."""
    headings = db.session.execute(
        sa.select(Block.number, Block.text).where(
            Block.version_id == version.id, Block.kind == "heading", Block.level == 1,
            Block.number != "").order_by(Block.position)).all()
    chapters = [("", "")] + [(number, text) for number, text in headings]
    rows = db.session.execute(
        sa.select(Comment.chapter, Comment.author_sector, sa.func.count(Comment.id),
                  sa.func.sum(sa.case((Comment.status != CommentStatus.CLOSED, 1), else_=0)))
        .where(visible_comments_clause(user, manual), Comment.version_id == version.id,
               Comment.retracted_at.is_(None), Comment.author_sector.is_not(None))
        .group_by(Comment.chapter, Comment.author_sector)).all()
    result = Coverage(chapters=chapters, sectors=list(Sector))
    known = {number for number, _t in chapters}
    for chapter, sector, total, open_count in rows:
        key = (chapter if chapter in known else "", sector)
        cell = result.cells.setdefault(key, CoverageCell())
        cell.total += total
        cell.open += open_count or 0
        result.maximum = max(result.maximum, cell.total)
    return result


def blocks_with_comments(comments: list[Comment]) -> dict[int, list[Comment]]:
    """Comments grouped by the block they sit on (general comments under key 0)."""
    grouped: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        grouped[comment.block_id or 0].append(comment)
    return grouped

