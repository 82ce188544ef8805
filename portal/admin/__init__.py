from flask import Blueprint

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)

from portal.admin import (  # noqa: E402,F401
    audit,
    case_clock,
    membership,
    notices,
    organisations,
    people,
    views,
)
