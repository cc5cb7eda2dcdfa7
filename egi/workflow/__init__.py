"""The manual's workflow: one state machine, sign-off, approval and its history."""

from flask import Blueprint

bp = Blueprint("workflow", __name__, url_prefix="/manuals")
