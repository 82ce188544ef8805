from flask import Blueprint

from portal.accounts.models import Role
from portal.auth.access import guard_blueprint

bp = Blueprint("employer", __name__, url_prefix="/employer")
guard_blueprint(bp, Role.EMPLOYER)

from portal.employer import views  # noqa: E402,F401
