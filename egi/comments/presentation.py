"""How comments are shown to a given reader: author labels and block kinds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from egi.permissions import Perm, can

BLOCK_KINDS = {
    "heading": _l("Heading"), "paragraph": _l("Paragraph"), "list_item": _l("List item"),
    "table": _l("Table"), "figure": _l("Figure"), "footnote": _l("Footnote"),
    "comment": _l("Word comment"),
}


def author_label(viewer, item) -> str:
    """The author's name, or "An expert from <sector>" when they chose so and `viewer` may
    not see through it (the coordinator and the author always may). A reviewer of a blind
    round is "Reviewer N" to all but the coordination and themselves (pseudonyms are loaded
    once per request, see egi.reviews.queries)."""
    from egi.reviews.queries import reviewer_mask

    masked = reviewer_mask(viewer, item)
    if masked is not None:
        return masked
    if can(viewer, Perm.SEE_COMMENT_AUTHOR, item):
        return item.author.display_name
    sector = item.author.sector
    if sector is None:
        return str(_l("A member of the team"))
    return str(_l("An expert from %(sector)s", sector=sector.label))


def author_sector_label(item) -> str:
    """The sector the author wrote from ("—" when none; reviewers' comments keep none)."""
    from egi.auth.models import Role

    if item.author.role == Role.REVIEWER:  # a reviewer's sector could identify them
        return "—"
    sector = getattr(item, "author_sector", None) or item.author.sector
    return str(sector.label) if sector else "—"
