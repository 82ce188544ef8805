from flask import Blueprint

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role

bp = Blueprint("member", __name__, url_prefix="/member")
guard_blueprint(bp, Role.MEMBER)

from portal.member import details, renewal, requests, views  # noqa: E402,F401
