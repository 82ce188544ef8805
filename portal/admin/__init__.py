from flask import Blueprint

from portal.accounts.models import Role
from portal.auth.access import guard_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)

import portal.admin.organisations  # noqa: E402,F401 - employers and centres
import portal.admin.people  # noqa: E402,F401 - users and roles
from portal.admin import views  # noqa: E402,F401
from portal.audit import views as audit_views  # noqa: E402,F401
