"""The baseline for bench/load.py: the least a Flask page that shows a member's open requests
can cost on this stack.

The same gunicorn setup as the portal (gunicorn.conf.py: gthread workers and threads), the
same database, the same rows: the member's open requests, as the dashboard lists them
(``portal.requests.services.open_requests_for``), rendered as a plain HTML table by Jinja with
autoescaping. No session, sign-in, CSRF, security headers, audit or ORM: what is left is
Flask, Jinja, SQLAlchemy Core, psycopg and gunicorn, the floor the portal's pages stand on.

Run: ``DATABASE_URL=... gunicorn --config gunicorn.conf.py bench.baseline_app:app``.
``GET /baseline/<member id>`` renders that member's open requests; ``/healthz`` answers for
the load balancer's checks.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your requests</title></head>
<body><main><h1>Your open requests</h1>
<table><thead><tr><th>Reference</th><th>Subject</th><th>Status</th><th>Reply due</th></tr></thead>
<tbody>{% for r in rows %}<tr><td><a href="/member/requests/{{ r.reference }}">{{ r.reference }}</a>
</td><td>{{ r.subject }}</td><td>{{ r.status }}</td><td>{{ r.response_due_at }}</td></tr>
{% endfor %}</tbody></table></main></body></html>"""

def create_app(url: str | None = None) -> Flask:
    app = Flask(__name__)
    engine = create_engine(url or os.environ["DATABASE_URL"], pool_pre_ping=True)
    query = text(
        "SELECT reference, subject, status, response_due_at FROM service_request "
        "WHERE requester_id = :member AND status IN ('received', 'with_team', "
        "'waiting_customer', 'answered') ORDER BY response_due_at"
    )

    @app.get("/baseline/<int:member_id>")
    def member_requests(member_id: int):
        with engine.connect() as conn:
            rows = conn.execute(query, {"member": member_id}).all()
        return render_template_string(PAGE, rows=rows)

    @app.get("/healthz")
    def healthz():
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


app = create_app() if os.environ.get("DATABASE_URL") else None
