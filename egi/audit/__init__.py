"""The append-only audit log: who did what, when, to which object."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")
