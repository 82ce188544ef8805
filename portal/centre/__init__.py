from flask import Blueprint

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role

bp = Blueprint("centre", __name__, url_prefix="/centre")
guard_blueprint(bp, Role.CENTRE)

from portal.centre import application, learners, requests, support, views  # noqa: E402,F401
