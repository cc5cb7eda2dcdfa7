"""People: the member list, invitations, editing and deactivation, and one's own profile."""

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/members")
