from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.public import centre_start, views  # noqa: E402,F401
