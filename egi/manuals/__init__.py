"""Manuals, their teams, versions and documents."""

from flask import Blueprint

bp = Blueprint("manuals", __name__, url_prefix="/manuals")
