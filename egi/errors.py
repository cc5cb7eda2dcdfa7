"""Domain exceptions raised by services and mapped centrally to error pages or flashes."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: carries a user-facing (translatable) message and an HTTP status."""

    status_code: int = 400

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # lazy strings render at display time
        return str(self.message) if self.message is not None else self.__class__.__name__


class PermissionDenied(DomainError):
    """The acting user may not do this (403)."""

    status_code = 403


class NotFound(DomainError):
    """The object does not exist or must not be revealed to this user (404)."""

    status_code = 404


class InvalidTransition(DomainError):
    """The action is not possible in the object's current state (409)."""

    status_code = 409


class GuardFailed(DomainError):
    """A business rule blocks the action; the message says why."""

    status_code = 409


class StaleObject(DomainError):
    """Someone else changed the object since the page was loaded (409)."""

    status_code = 409


class UploadRejected(DomainError):
    """An uploaded file failed a check of name, size or content."""

    status_code = 400


class UploadTooLarge(UploadRejected):
    """An uploaded file is over the configured size limit (413)."""

    status_code = 413


def register_error_handlers(app) -> None:
    """Map HTTP errors and domain exceptions to the error pages in templates/errors/."""
    from flask import render_template, request
    from flask_babel import gettext as _
    from flask_wtf.csrf import CSRFError
    from jinja2 import TemplateNotFound
    from werkzeug.exceptions import HTTPException

    from egi.extensions import db

    def render_error(status: int, message: str | None = None):
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return {"error": status, "message": message or ""}, status
        try:
            return render_template(f"errors/{status}.html", message=message, status=status), status
        except TemplateNotFound:
            return render_template("errors/generic.html", message=message, status=status), status

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400,
            _("This form has expired or did not come from this site. "
              "Go back, reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 500:
            db.session.rollback()
        return render_error(error.code or 500)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        return render_error(error.status_code, str(error))

    from sqlalchemy.exc import IntegrityError

    @app.errorhandler(IntegrityError)
    def conflict(_error):
        # Two people changed the same thing at once; the database kept the first.
        db.session.rollback()
        return render_error(409, _("Someone else changed this at the same moment. "
                                   "Reload the page to see the latest state."))

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render_error(500)
