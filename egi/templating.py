"""Names every template may use: the policy, the unread count, languages, date formatting."""

from __future__ import annotations

import re

from babel import Locale
from babel.core import UnknownLocaleError
from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from egi.i18n import LANGUAGE_NAMES
from egi.permissions import Perm, can


def register_template_helpers(app: Flask) -> None:
    """Add the context processor and filters."""

    @app.context_processor
    def inject_globals():
        unread = 0
        if not has_request_context():
            return {"can": lambda perm, obj=None: False, "Perm": Perm}
        if current_user.is_authenticated:
            from egi.notifications.services import unread_count

            unread = unread_count(current_user)
        return {
            "can": lambda perm, obj=None: can(current_user, perm, obj),
            "Perm": Perm,
            "unread_notifications": unread,
            "language_names": {c: LANGUAGE_NAMES[c] for c in current_app.config["LANGUAGES"]},
            "get_locale": lambda: str(get_locale() or "en"),
            "current_path": request.full_path.rstrip("?"),
        }

    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["state_label"] = state_label
    app.jinja_env.filters["document_html"] = document_html
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["date_only"] = lambda value, fmt="long": (
        format_date(value, fmt) if value else "")
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )


def language_name(code: str) -> str:
    """A language's name in the reader's language ("fr" -> "French" / "français")."""
    try:
        name = Locale.parse(code).get_display_name(get_locale() or Locale("en"))
    except (ValueError, UnknownLocaleError):
        return code
    return (name or code)[:1].upper() + (name or code)[1:]


def filesize(size: int) -> str:
    """A byte count for people: 512 bytes, 12.5 KB, 3.1 MB."""
    if size < 1024:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(round(size / 1024, 1)))
    return _("%(size)s MB", size=format_decimal(round(size / 1024 / 1024, 1)))


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def document_html(html: str) -> Markup:
    """A stored (already sanitised) block, its headings one level down: the page has the h1."""
    return Markup(_HEADING_TAG.sub(  # noqa: S704 - sanitised by nh3 at upload
        lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", html))


def state_label(value: str) -> str:
    """A stored workflow state value in words."""
    from egi.manuals.models import ManualState

    try:
        return ManualState(value).label
    except ValueError:
        return value
