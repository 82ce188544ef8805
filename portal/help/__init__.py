"""The help centre: articles staff write, the public pages at /help, search over them, and
the suggestions every question form shows before a request is sent."""

from flask import Blueprint

bp = Blueprint("help", __name__, url_prefix="/help")

from portal.help import views  # noqa: E402,F401
