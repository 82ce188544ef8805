from flask import Blueprint

from portal.accounts.models import Role
from portal.auth.access import guard_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)

from portal.admin import views  # noqa: E402,F401
from portal.audit import views as audit_views  # noqa: E402,F401
