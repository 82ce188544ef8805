from flask import Blueprint

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)

from portal.admin import audit, case_clock, organisations, people, views  # noqa: E402,F401
