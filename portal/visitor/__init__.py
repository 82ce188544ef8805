"""Pages for anyone, signed in or not: home, the charter, contact forms, private links to a
request, the live-state endpoint, the health check and the start of a centre application."""

from flask import Blueprint

bp = Blueprint("visitor", __name__)

from portal.visitor import (  # noqa: E402,F401
    centre_start,
    contact,
    membership_check,
    notices,
    performance,
    unsubscribe,
    verify,
    views,
)
