from flask import Blueprint

from portal.accounts.models import Role
from portal.auth.access import guard_blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
guard_blueprint(bp, Role.STAFF, Role.ADMIN)

import portal.staff.performance  # noqa: E402,F401 - the charter report's routes
from portal.staff import centres, log, membership, replies, requests, views  # noqa: E402,F401
