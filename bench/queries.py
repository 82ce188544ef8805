"""Count the SQL statements each member page runs (docs/PERFORMANCE.md).

Usage: ``python bench/queries.py [--database-url URL] [--show]``

Builds a database (a temporary SQLite file unless ``--database-url``, which is emptied and
migrated), a member with a membership and three requests (one answered by staff, one
resolved), signs in through the real form, then asks for each page a few times and prints
how many statements the last request ran (the first ones warm the per-process caches, as a
running server's are). ``--show`` prints the statements too. A count that grows with the
member's number of requests or of replies would be an N+1: the script counts again with 13
requests, the first with 6 staff replies, and says where the counts differ.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_SECRET = "bench-queries-secret-key-bench-queries"  # noqa: S105 - throwaway sessions
PASSWORD = "bench-queries-password-2026"  # noqa: S105 - the bench's own account


def _build(url: str):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    if url.startswith("postgresql"):
        from _common import fresh_database

        fresh_database(url)
    app = create_app({"PORTAL_CONFIG": "development", "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": BENCH_SECRET, "SERVER_NAME": "localhost",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if not url.startswith("postgresql"):
            upgrade()
        db.engine.dispose()
    return app


def _member_with_requests(count: int, replies: int):
    from datetime import timedelta

    from portal.accounts.models import Membership, Role, User
    from portal.accounts.passwords import hash_password
    from portal.clock import london_today
    from portal.database import utcnow
    from portal.extensions import db
    from portal.requests import services

    now = utcnow()
    n = db.session.query(User).count()
    staff = User(email=f"staff{n}@bench.test", full_name="Staff Member", role=Role.STAFF.value,
                 password_hash=hash_password(PASSWORD), email_verified_at=now)
    member = User(email=f"member{n}@bench.test", full_name="Member Number", phone="07700 900123",
                  role=Role.MEMBER.value, password_hash=hash_password(PASSWORD),
                  email_verified_at=now)
    member.membership = Membership(membership_number=f"Q{n:07d}", grade="member",
                                   status="active", joined_on=london_today() - timedelta(400),
                                   renewal_date=london_today() + timedelta(days=90))
    db.session.add_all([staff, member])
    db.session.flush()
    made = [services.submit_request("query", subject=f"Question {k}", body="When is it due?",
                                    requester=member, notify_customer=False).request
            for k in range(count)]
    for _ in range(replies):
        services.staff_reply(made[0], staff, "Your renewal date is in your account.")
    services.resolve(made[-1], staff, "Your renewal is due in the spring.")
    db.session.commit()
    return member, made[0]


def _brief(statement: str) -> str:
    """A statement on one line with its column lists shortened to "…"."""
    text = " ".join(statement.split())
    return re.sub(r"SELECT (?:(?!SELECT|FROM).)+ FROM", "SELECT … FROM", text)


def count_pages(app, requests: int, replies: int, show: bool = False) -> dict[str, int]:
    """Statements run by the last of three requests for each page, by page name."""
    from flask import url_for

    from portal.extensions import db
    from portal.requests import live

    statements: list[str] = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        member, request = _member_with_requests(requests, replies)
        with app.test_request_context():
            pages = {
                "member dashboard": url_for("member.dashboard"),
                "member request page": url_for("member.request_detail",
                                               reference=request.reference),
                "dashboard lists (live.js)": url_for("member.requests_live"),
                "request fragment (live.js)": url_for("member.request_live",
                                                      reference=request.reference),
                "live state poll": url_for("visitor.live_state",
                                           key=live.state_key("r", request.id)),
            }
        email = member.email
        engine = db.engine
        db.session.remove()
    client = app.test_client()
    response = client.post("/account/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    counts = {}
    event.listen(engine, "before_cursor_execute", _record)
    try:
        for name, url in pages.items():
            for _ in range(3):
                statements.clear()
                response = client.get(url)
                assert response.status_code == 200, (name, response.status_code)
            counts[name] = len(statements)
            if show:
                print(f"-- {name}: {url}")
                for statement in statements:
                    print("   " + _brief(statement))
    finally:
        event.remove(engine, "before_cursor_execute", _record)
    return counts


def main(argv: list[str] | None = None) -> dict[str, int]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="a scratch database (emptied); default SQLite")
    parser.add_argument("--show", action="store_true", help="print the statements")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="portal-queries-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/portal.db"
        app = _build(url)
        few = count_pages(app, 3, 1, args.show)
        many = count_pages(app, 13, 6)
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()
    print(f"{'page':<30}{'statements':>11}")
    for name, count in few.items():
        note = "" if many[name] == count else f"  (with 13 requests, 6 replies: {many[name]})"
        print(f"{name:<30}{count:>11}{note}")
    return few


if __name__ == "__main__":
    main()
