from flask import Blueprint

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role

bp = Blueprint("employer", __name__, url_prefix="/employer")
guard_blueprint(bp, Role.EMPLOYER)

from portal.employer import requests, views  # noqa: E402,F401
