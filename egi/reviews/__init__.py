"""Peer review: nominations by the expert group, review rounds, assignments, reviews."""

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/manuals")
