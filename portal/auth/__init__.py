from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/account")

from portal.auth import guards, views  # noqa: E402,F401
