"""The public charter performance page and its open data (no sign-in).

Everything is read from the frozen monthly figures (:mod:`portal.performance`), never from
the requests themselves. The CSV and JSON carry a strong ETag and Last-Modified taken from one
small query, and answer 304 to a cache or scraper that already has them.
"""

from __future__ import annotations

import json

from flask import Response, abort, render_template, request, url_for
from werkzeug.http import is_resource_modified

from portal.performance import opendata, pages
from portal.performance.services import version_tag
from portal.visitor import bp

#: Public data, the same for everyone: caches may keep it briefly and revalidate after.
OPEN_DATA_MAX_AGE = 300


def _conditional(key: str | None, build, mimetype: str, filename: str) -> Response:
    """Answer 304 when the cache's copy is current; otherwise build the body."""
    month = pages.parse_month(key) if key is not None else None
    if key is not None and month is None:
        abort(404)
    tag, modified = version_tag(month)
    if modified is None:
        abort(404)
    if not is_resource_modified(request.environ, etag=tag, last_modified=modified):
        response = Response(status=304)
    else:
        found = pages.open_data(key, url_for("visitor.performance", _external=True)
                                + "#open-data")
        if found is None:
            abort(404)
        response = Response(build(*found), mimetype=mimetype)
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(tag)
    response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = OPEN_DATA_MAX_AGE
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/charter/performance")
@bp.route("/charter/performance/<month>")
def performance(month: str | None = None):
    """Each promise's target beside last month's result, twelve months, complaints."""
    page = pages.performance_page(month)
    if page is None:
        abort(404)
    return render_template(
        "visitor/performance.html", page=page, count=pages.count_text,
        time=pages.time_text, share=pages.share_text,
    )


@bp.route("/charter/performance.json")
@bp.route("/charter/performance/<month>.json")
def performance_json(month: str | None = None):
    """The published figures as JSON (docs/OPEN_DATA.md), one month or all of them."""
    def build(months, notes):
        docs = url_for("visitor.performance", _external=True) + "#open-data"
        return json.dumps(opendata.document(months, notes, docs), indent=1)

    return _conditional(month, build, "application/json",
                        f"charter-performance-{month or 'all'}.json")


@bp.route("/charter/performance.csv")
@bp.route("/charter/performance/<month>.csv")
def performance_csv(month: str | None = None):
    """The published figures as CSV, one figure a line (docs/OPEN_DATA.md)."""
    return _conditional(month, lambda months, _notes: "\ufeff" + opendata.csv_text(months),
                        "text/csv", f"charter-performance-{month or 'all'}.csv")
