"""Expert comments on versions: consultations, threads, dispositions, coverage, exports."""

from flask import Blueprint

bp = Blueprint("comments", __name__, url_prefix="/manuals")
