from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/account")

from portal.auth import guards, my_data, security, two_step, views  # noqa: E402,F401
