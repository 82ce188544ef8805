from flask import Blueprint

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role

bp = Blueprint("staff", __name__, url_prefix="/staff")
guard_blueprint(bp, Role.STAFF, Role.ADMIN)

from portal.staff import (  # noqa: E402,F401
    centres,
    claims,
    erasures,
    find,
    help_articles,
    log,
    membership,
    merge,
    payments,
    performance,
    published,
    quality,
    replies,
    requests,
    views,
    worklist,
)
