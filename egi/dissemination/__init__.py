"""Releasing approved manuals to the public: landing pages, events, downloads."""

from flask import Blueprint

bp = Blueprint("dissemination", __name__)
