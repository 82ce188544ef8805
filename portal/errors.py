"""Error pages in the site's own layout, for the statuses a person may meet."""

from __future__ import annotations

import logging

from flask import current_app, g, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db

log = logging.getLogger(__name__)

# The database went away (a restart, a failover, a full pool): nobody's fault, over soon.
DATABASE_LOST = (OperationalError, InterfaceError, PoolTimeoutError)
RETRY_AFTER_SECONDS = 30

MESSAGES = {
    400: ("Something was wrong with that request", "Go back, reload the page and try again."),
    403: ("You cannot see this page", "Your account does not give access to this page."),
    404: (
        "Page not found",
        "If you typed the address, check it is right. "
        "If you followed a link, it may be out of date.",
    ),
    405: ("That did not work", "This page cannot be used that way. Go back and try again."),
    413: (
        "That file is too large",
        "Each file must be 10 MB or smaller, and up to 10 MB can be sent at a time. Nothing "
        "was saved. Use your browser's Back button: what you typed is usually still there. "
        "Then choose a smaller file, or fewer files, and send the form again.",
    ),
    429: (
        "Too many attempts",
        "You have tried this too many times in a short while. Wait a few minutes, then try again.",
    ),
    500: (
        "Sorry, something went wrong on our side",
        "Nothing you did caused this. Please try again in a few minutes.",
    ),
    503: (
        "Sorry, the portal is not available just now",
        "Part of our service is restarting. Nothing you did caused this, and what you saved "
        "before is safe. If you were sending a form, it was not saved: go back and send it "
        "again in a minute.",
    ),
}


def render_error(status: int, detail: str | None = None, **context):
    title, message = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    try:
        url_for("visitor.home")
        can_build_urls = True
    except (AttributeError, RuntimeError):
        can_build_urls = False
    if not can_build_urls:
        # The request named a host not in TRUSTED_HOSTS: no URL can be built for it, so the
        # page's layout cannot be drawn. A plain answer, never a 500.
        return f"{title}. {message}\n", status, {"Content-Type": "text/plain; charset=utf-8"}
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title,
            message=detail or message,
            **context,
        ),
        status,
    )


def _phone_lines_without_database() -> str:
    from portal.settings.services import phone_lines_text

    try:
        return phone_lines_text()
    except SQLAlchemyError:  # the calendar's rules live in the database
        _roll_back_quietly()
        return "Phone lines open on working days"


def _roll_back_quietly() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass


def database_unavailable(error: Exception):
    """503 with Retry-After, in the site's layout, logged as one line: the database went away
    and will be back (docs/DEPLOY.md). The page is drawn for a signed-out visitor, since who
    is signed in cannot be read without the database."""
    _roll_back_quietly()
    log.warning(
        "database unavailable on %s %s: %s",
        request.method,
        request.path,
        " ".join(str(getattr(error, "orig", None) or error).split())[:300],
    )
    g._login_user = current_app.login_manager.anonymous_user()
    body, status, *headers = render_error(
        503, phone_lines_text=_phone_lines_without_database
    )
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return body, status, {**(headers[0] if headers else {}), **retry}


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "This form had expired or was sent from somewhere else, so nothing was saved. "
            "Go back, reload the page and send it again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    for kind in DATABASE_LOST:
        app.register_error_handler(kind, database_unavailable)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        if isinstance(error.original_exception, DATABASE_LOST):  # e.g. at the final commit
            return database_unavailable(error.original_exception)
        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
