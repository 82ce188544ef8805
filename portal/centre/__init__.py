from flask import Blueprint

from portal.accounts.access import guard_blueprint, viewers_only_look
from portal.accounts.models import Role

bp = Blueprint("centre", __name__, url_prefix="/centre")
guard_blueprint(bp, Role.CENTRE)
viewers_only_look(bp)

from portal.centre import (  # noqa: E402,F401
    application,
    colleagues,
    learners,
    quality,
    registrations,
    requests,
    support,
    views,
)
