from flask import Blueprint

from portal.accounts.access import guard_blueprint, viewers_only_look
from portal.accounts.models import Role

bp = Blueprint("employer", __name__, url_prefix="/employer")
guard_blueprint(bp, Role.EMPLOYER)
viewers_only_look(bp)

from portal.employer import colleagues, requests, views  # noqa: E402,F401
