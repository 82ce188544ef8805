"""One transaction per request (STYLE.md): views and services flush, this module commits.

After a view returns a response below 400 the request's work is committed once; a response of
400 or more, or an exception, rolls all of it back, so a request that fails half-way leaves
nothing behind and no email is queued for it (the outbox row is in the same transaction).

A few rows must outlive that rollback: the audit entry of a refused access (the refusal *is*
the 404) and the sign-in throttle's counters. A service marks such a row with
:func:`keep_after_rollback`; if the request is rolled back, a copy of it is written in a
transaction of its own straight after. Jobs commit through ``portal.jobs.runner.run_job``.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g
from sqlalchemy import inspect

from portal.extensions import db

log = logging.getLogger(__name__)


def keep_after_rollback(row) -> None:
    """Write ``row`` (already added and flushed) even if the request is rolled back."""
    mapper = inspect(row).mapper
    values = {
        attr.key: getattr(row, attr.key)
        for attr in mapper.column_attrs
        if not any(column.primary_key for column in attr.columns)
    }
    g.setdefault("kept_rows", []).append((mapper.class_, values))


def register(app: Flask) -> None:
    app.after_request(_commit_or_roll_back)
    app.teardown_request(_roll_back_on_error)


def _commit_or_roll_back(response: Response) -> Response:
    if response.status_code < 400:
        db.session.commit()
        g.pop("kept_rows", None)
    else:
        _roll_back()
    return response


def _roll_back_on_error(exc: BaseException | None) -> None:
    # An exception that escaped the view (or the commit itself) never reached after_request.
    if exc is not None:
        _roll_back()


def _roll_back() -> None:
    db.session.rollback()
    kept = g.pop("kept_rows", [])
    if not kept:
        return
    try:
        db.session.add_all(model(**values) for model, values in kept)
        # The one commit outside the request's own: rows that must outlive its rollback.
        db.session.commit()
    except Exception:  # a lost database must not turn a 404 into a 500
        db.session.rollback()
        log.exception("could not keep %d row(s) after a rollback", len(kept))
