"""Email: the outbox every message goes through, the sender that empties it, news opt-ins
and the public one-click unsubscribe."""

from flask import Blueprint

bp = Blueprint("notify", __name__, url_prefix="/email")

from portal.notify import views  # noqa: E402,F401
