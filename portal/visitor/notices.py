"""Service notices for everyone: the banner on every page, the public list with each notice's
history, one page per notice and an Atom feed (no sign-in)."""

from __future__ import annotations

from flask import Response, abort, render_template, url_for
from sqlalchemy.exc import SQLAlchemyError

from portal.database import utcnow
from portal.extensions import db
from portal.notices import services
from portal.visitor import bp


def _banner_notices() -> list:
    """Active notices for the banner; an error page whose database is down shows none."""
    try:
        return services.active_notices()
    except SQLAlchemyError:
        db.session.rollback()
        return []


@bp.app_context_processor
def _service_notices() -> dict:
    # Lazy: the banner include calls these, once per page.
    return {"active_service_notices": _banner_notices,
            "notices_affecting": services.notices_affecting,
            "dates_stand": services.DATES_STAND}


@bp.route("/service-notices")
def notices():
    """Current and coming notices first, then the history of past ones."""
    now = utcnow()
    found = services.all_notices()
    current = [n for n in found if n.ends_at is None or n.ends_at > now]
    past = [n for n in found if n not in current]
    return render_template("visitor/notices.html", current=current, past=past, now=now,
                           titles=services.promise_titles(), is_closure=services.is_closure)


@bp.route("/service-notices/<int:notice_id>")
def notice(notice_id: int):
    found = services.get_notice(notice_id)
    if found is None:
        abort(404)
    return render_template("visitor/notice.html", n=found, now=utcnow(),
                           titles=services.promise_titles(), is_closure=services.is_closure)


@bp.route("/service-notices.atom")
def notices_feed():
    """An Atom feed of every notice; an update to a notice updates its entry."""
    found = services.all_notices(limit=50)
    updated = max((n.updated_at for n in found), default=utcnow())
    body = render_template("visitor/notices_atom.xml", notices=found, updated=updated,
                           titles=services.promise_titles(), dates_stand=services.DATES_STAND,
                           is_closure=services.is_closure,
                           self_url=url_for("visitor.notices_feed", _external=True))
    return Response(body, mimetype="application/atom+xml")
