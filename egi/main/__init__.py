"""The dashboard and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)
