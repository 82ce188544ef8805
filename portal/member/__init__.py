from flask import Blueprint

from portal.accounts.models import Role
from portal.auth.access import guard_blueprint

bp = Blueprint("member", __name__, url_prefix="/member")
guard_blueprint(bp, Role.MEMBER)

from portal.member import views  # noqa: E402,F401
