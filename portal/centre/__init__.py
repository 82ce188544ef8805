from flask import Blueprint

from portal.accounts.models import Role
from portal.auth.access import guard_blueprint

bp = Blueprint("centre", __name__, url_prefix="/centre")
guard_blueprint(bp, Role.CENTRE)

from portal.centre import application, learners, support, views  # noqa: E402,F401
