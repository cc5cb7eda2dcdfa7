"""Authentication: login, logout, passwords, password reset and invitation acceptance."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
