"""Benchmark the learning-centre tracker and CSV upload (issue 6, docs/PERFORMANCE.md).

Usage: ``python bench/centres.py [--database-url URL] [--learners N] [--iterations N]
[--upload-rows N]``

* builds a fresh database (a temporary SQLite file, or the PostgreSQL database named by
  ``--database-url``, WHOSE SCHEMA IS DROPPED) from the migrations;
* seeds one centre with N learners (default 20,000) and a second centre with as many again,
  set-based: one ``INSERT ... SELECT`` over a recursive counter per centre;
* times the tracker page and its filtered searches through the Flask test client, signed in as
  the centre user, and reports p50/p95 server time; the baseline is a minimal route in the same
  app rendering the same 50 rows from a plain query;
* prints the query plans of the tracker's queries, to show they use the composite indexes;
* times a 5,000-row CSV upload through the upload page, then the same file again (every row
  already recorded);
* issue 20: seeds ``--registered`` learners (default 100,000) registered at the centre, times
  the registered-learner list (first page, a deep page, a search) against its own plain-query
  baseline, and a ``--registration-upload-rows`` (default 20,000) registrations upload, then
  the same file again.
"""

from __future__ import annotations

import argparse
import csv
import io
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template_string  # noqa: E402
from sqlalchemy import bindparam, create_engine, select, text  # noqa: E402
from sqlalchemy.types import Date  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts.models import Organisation, User  # noqa: E402
from portal.accounts.passwords import hash_password  # noqa: E402
from portal.approvals.models import Qualification  # noqa: E402
from portal.approvals.services import grant_qualifications  # noqa: E402
from portal.certificates import csv_import, registrations, tracker  # noqa: E402
from portal.certificates.models import Completion, Registration  # noqa: E402
from portal.database import UTCDateTime  # noqa: E402
from portal.extensions import db  # noqa: E402

PASSWORD = "bench-password-2026"  # noqa: S105 - a throwaway account in a throwaway database

# One statement per centre: a recursive counter feeds INSERT ... SELECT, so seeding is
# set-based on both SQLite and PostgreSQL. Statuses cycle so every filter has rows:
# 0-2 recorded, 3 signed off (half overdue), 4 printed (half overdue), 5-8 posted, 9 returned.
SEED_SQL = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO completion (
    organisation_id, qualification_id, learner_name, learner_ref, completed_on,
    assessment_signed_off, status, source, recorded_at, rejected_reason,
    signed_off_at, dispatch_due_at, certificate_number, printed_at, dispatched_at,
    postage_class, tracking_reference, arrival_from, arrival_to, returned_at, return_note
)
SELECT
    :org,
    CASE i % 3 WHEN 0 THEN :q1 WHEN 1 THEN :q2 ELSE :q3 END,
    (CASE i % 8 WHEN 0 THEN 'Olivia' WHEN 1 THEN 'Mohammed' WHEN 2 THEN 'Amelia'
        WHEN 3 THEN 'Noah' WHEN 4 THEN 'Isla' WHEN 5 THEN 'George' WHEN 6 THEN 'Ava'
        ELSE 'Arthur' END)
      || ' ' ||
    (CASE (i / 8) % 8 WHEN 0 THEN 'Smith' WHEN 1 THEN 'Jones' WHEN 2 THEN 'Taylor'
        WHEN 3 THEN 'Brown' WHEN 4 THEN 'Patel' WHEN 5 THEN 'Khan' WHEN 6 THEN 'Evans'
        ELSE 'Walker' END) || ' ' || i,
    :prefix || i,
    :completed_on,
    TRUE,
    CASE WHEN i % 10 < 3 THEN 'recorded' WHEN i % 10 = 3 THEN 'signed_off'
         WHEN i % 10 = 4 THEN 'printed' WHEN i % 10 = 9 THEN 'returned' ELSE 'dispatched' END,
    'csv', :recorded_at, '',
    CASE WHEN i % 10 < 3 THEN NULL ELSE :signed_off_at END,
    CASE WHEN i % 10 < 3 THEN NULL WHEN i % 20 < 10 THEN :past_due ELSE :future_due END,
    CASE WHEN i % 10 < 3 THEN NULL ELSE :prefix || 'C' || i END,
    CASE WHEN i % 10 > 3 THEN :printed_at ELSE NULL END,
    CASE WHEN i % 10 > 4 THEN :dispatched_at ELSE NULL END,
    CASE WHEN i % 10 > 4 THEN 'uk-second' ELSE NULL END,
    '',
    CASE WHEN i % 10 > 4 THEN :arrival_from ELSE NULL END,
    CASE WHEN i % 10 > 4 THEN :arrival_to ELSE NULL END,
    CASE WHEN i % 10 = 9 THEN :returned_at ELSE NULL END,
    ''
FROM n
"""

REGISTRATION_SQL = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO learner_registration (
    organisation_id, qualification_id, learner_name, learner_ref, started_on, source,
    registered_at
)
SELECT :org, CASE i % 3 WHEN 0 THEN :q1 WHEN 1 THEN :q2 ELSE :q3 END,
    'Registered Learner ' || i, 'RG-' || i, :started_on, 'csv', :registered_at
FROM n
"""

BASELINE_TEMPLATE = """<!DOCTYPE html><html lang="en"><head><title>Baseline</title></head><body>
<table>{% for c in rows %}<tr><td>{{ c.learner_name }}</td><td>{{ c.learner_ref }}</td>
<td>{{ c.status }}</td><td>{{ c.completed_on }}</td></tr>{% endfor %}</table></body></html>"""


def build_app(url: str):
    from flask_migrate import upgrade

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_DIR": tempfile.mkdtemp(prefix="bench-uploads-"),
        }
    )
    with app.app_context():
        upgrade()
    return app


def seed(app, learners: int) -> dict:
    with app.app_context():
        quals = [
            Qualification(code=f"BEN-{n}01", title=f"Bench qualification {n}", level=n)
            for n in (2, 3, 4)
        ]
        db.session.add_all(quals)
        centre = Organisation(
            kind="centre", name="Bench College", reference="C-99001", is_approved=True
        )
        other = Organisation(
            kind="centre", name="Other College", reference="C-99002", is_approved=True
        )
        user = User(
            email="bench@centre.test",
            full_name="Bench User",
            role="centre",
            password_hash=hash_password(PASSWORD),
            organisation=centre,
            email_verified_at=datetime.now(UTC),
        )
        db.session.add_all([centre, other, user])
        db.session.flush()
        for org in (centre, other):
            grant_qualifications(org, [q.id for q in quals])
        now = datetime.now(UTC)
        statement = text(SEED_SQL).bindparams(
            *(
                bindparam(name, type_=UTCDateTime())
                for name in (
                    "recorded_at",
                    "signed_off_at",
                    "past_due",
                    "future_due",
                    "printed_at",
                    "dispatched_at",
                    "returned_at",
                )
            ),
            *(
                bindparam(name, type_=Date())
                for name in ("completed_on", "arrival_from", "arrival_to")
            ),
        )
        started = time.perf_counter()
        for org, prefix in ((centre, "BC-"), (other, "OC-")):
            db.session.execute(
                statement,
                {
                    "count": learners,
                    "org": org.id,
                    "prefix": prefix,
                    "q1": quals[0].id,
                    "q2": quals[1].id,
                    "q3": quals[2].id,
                    "completed_on": date(2026, 6, 1),
                    "recorded_at": now - timedelta(days=60),
                    "signed_off_at": now - timedelta(days=50),
                    "past_due": now - timedelta(days=20),
                    "future_due": now + timedelta(days=10),
                    "printed_at": now - timedelta(days=45),
                    "dispatched_at": now - timedelta(days=40),
                    "arrival_from": date(2026, 6, 3),
                    "arrival_to": date(2026, 6, 4),
                    "returned_at": now - timedelta(days=30),
                },
            )
        db.session.commit()
        seconds = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        else:
            db.session.execute(text("ANALYZE"))
        count = db.session.scalar(select(db.func.count(Completion.id)))
        middle = db.session.scalar(
            select(Completion.id)
            .where(Completion.organisation_id == centre.id)
            .order_by(Completion.id.desc())
            .offset(learners // 2)
            .limit(1)
        )
        return {
            "centre_id": centre.id,
            "qualification_id": quals[1].id,
            "seconds": seconds,
            "rows": count,
            "middle_id": middle,
            "quals": [q.code for q in quals],
        }


def add_baseline_route(app, centre_id: int) -> None:
    def baseline():
        rows = db.session.scalars(
            select(Completion)
            .where(Completion.organisation_id == centre_id)
            .order_by(Completion.id.desc())
            .limit(tracker.TRACKER_PAGE_SIZE)
        ).all()
        return render_template_string(BASELINE_TEMPLATE, rows=rows)

    app.add_url_rule("/bench/baseline", "bench_baseline", baseline)

    def registered_baseline():
        rows = db.session.scalars(
            select(Registration)
            .where(Registration.organisation_id == centre_id)
            .order_by(Registration.id.desc())
            .limit(registrations.PAGE_SIZE)
        ).all()
        return render_template_string(REGISTERED_BASELINE, rows=rows)

    app.add_url_rule("/bench/registered-baseline", "bench_registered_baseline",
                     registered_baseline)


REGISTERED_BASELINE = """<!DOCTYPE html><html lang="en"><head><title>Baseline</title></head><body>
<table>{% for r in rows %}<tr><td>{{ r.learner_name }}</td><td>{{ r.learner_ref }}</td>
<td>{{ r.started_on }}</td></tr>{% endfor %}</table></body></html>"""


def seed_registrations(app, centre_id: int, count: int) -> tuple[float, int]:
    """``count`` registered learners at the centre, in one set-based statement."""
    with app.app_context():
        quals = list(db.session.scalars(select(Qualification.id).order_by(Qualification.id)))
        statement = text(REGISTRATION_SQL).bindparams(
            bindparam("registered_at", type_=UTCDateTime()),
            bindparam("started_on", type_=Date()),
        )
        started = time.perf_counter()
        db.session.execute(statement, {
            "count": count, "org": centre_id, "q1": quals[0], "q2": quals[1], "q3": quals[2],
            "started_on": date(2026, 9, 1), "registered_at": datetime.now(UTC),
        })
        db.session.commit()
        seconds = time.perf_counter() - started
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        middle = db.session.scalar(
            select(Registration.id).where(Registration.organisation_id == centre_id)
            .order_by(Registration.id.desc()).offset(count // 2).limit(1))
        return seconds, middle


def registrations_csv(rows: int, codes: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(registrations.TEMPLATE_HEADER)
    for n in range(rows):
        writer.writerow([f"New Learner {n}", f"NL-{n:06d}", codes[n % len(codes)],
                         "2026-09-01"])
    return out.getvalue().encode()


def bench_registered(app, client, info: dict, args) -> None:
    """Issue 20: the registered-learner list at scale, and a large registrations upload."""
    seconds, middle = seed_registrations(app, info["centre_id"], args.registered)
    print(f"\nRegistered {args.registered:,} learners at the centre in {seconds:.2f} s")
    pages = {
        "baseline: plain query, same 50 registrations": "/bench/registered-baseline",
        "registered learners, first page": "/centre/registered",
        "registered learners, a deep page (keyset)": f"/centre/registered?after={middle}",
        "registered learners, search 'RG-4321'": "/centre/registered?q=RG-4321",
    }
    print(f"Server time over {args.iterations} requests each (Flask test client), ms:")
    base = None
    for label, path in pages.items():
        p50, p95 = timings(client, path, args.iterations)
        base = base or p50
        print(f"  {label:<46} {p50:7.1f} {p95:7.1f}   ({p50 / base:.1f}x baseline p50)")
    data = registrations_csv(args.registration_upload_rows, info["quals"])
    for attempt in ("first upload", "same file again"):
        started = time.perf_counter()
        response = client.post(
            "/centre/registered/upload",
            data={"file": (io.BytesIO(data), "registrations.csv")},
            content_type="multipart/form-data",
        )
        seconds = time.perf_counter() - started
        assert response.status_code == 200
        added = response.get_data(as_text=True).split("<strong>", 1)[1].split("</strong>", 1)[0]
        print(f"Registrations upload of {args.registration_upload_rows:,} rows, {attempt}: "
              f"{seconds:.2f} s ({added} added)")


def timings(client, path: str, iterations: int) -> tuple[float, float]:
    for _ in range(10):
        assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def explain(app, centre_id: int, qualification_id: int) -> None:
    now = datetime.now(UTC)
    cases = {
        "all, newest first": tracker.TrackerFilter(),
        "status": tracker.TrackerFilter(status="dispatched"),
        "qualification": tracker.TrackerFilter(qualification_id=qualification_id),
        "overdue": tracker.TrackerFilter(overdue=True),
        "search": tracker.TrackerFilter(search="smith"),
    }
    with app.app_context():
        dialect = db.engine.dialect
        prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
        for label, filters in cases.items():
            query = (
                tracker.tracker_select(centre_id, filters, now)
                .order_by(Completion.id.desc())
                .limit(51)
            )
            sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
            plan = db.session.execute(text(prefix + sql)).all()
            lines = [row[-1] if dialect.name == "sqlite" else row[0] for row in plan]
            print(f"  {label}: " + " | ".join(str(line).strip() for line in lines[:3]))


def upload_csv(rows: int, codes: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_import.CSV_TEMPLATE_HEADER)
    for n in range(rows):
        writer.writerow(
            [f"Upload Learner {n}", f"UP-{n:06d}", codes[n % len(codes)], "2026-10-01", "yes"]
        )
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--upload-rows", type=int, default=5_000)
    parser.add_argument("--registered", type=int, default=100_000)
    parser.add_argument("--registration-upload-rows", type=int, default=20_000)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/centres.db"
    print(
        f"Python {platform.python_version()} on {platform.machine()}; database {url.split(':')[0]}"
    )
    app = build_app(url)
    info = seed(app, args.learners)
    print(
        f"Seeded {info['rows']:,} learners ({args.learners:,} per centre, two centres) "
        f"in {info['seconds']:.2f} s"
    )
    add_baseline_route(app, info["centre_id"])

    with app.app_context():
        client = app.test_client()
        response = client.post(
            "/account/sign-in", data={"email": "bench@centre.test", "password": PASSWORD}
        )
        assert response.status_code == 302
        pages = {
            "baseline: plain query, same 50 rows": "/bench/baseline",
            "tracker, first page": "/centre/learners",
            "tracker, a page deep in the list (keyset)": (
                f"/centre/learners?after={info['middle_id']}"
            ),
            "filter: status posted + search 'smith'": "/centre/learners?status=dispatched&q=smith",
            "filter: overdue": "/centre/learners?overdue=y",
            "filter: qualification": f"/centre/learners?qualification={info['qualification_id']}",
            "search: identifier 'BC-1234'": "/centre/learners?q=BC-1234",
        }
        print(f"\nServer time over {args.iterations} requests each (Flask test client), ms:")
        print(f"  {'page':<46} {'p50':>7} {'p95':>7}")
        base = None
        for label, path in pages.items():
            p50, p95 = timings(client, path, args.iterations)
            base = base or p50
            print(f"  {label:<46} {p50:7.1f} {p95:7.1f}   ({p50 / base:.1f}x baseline p50)")

        print("\nQuery plans:")
        explain(app, info["centre_id"], info["qualification_id"])

        data = upload_csv(args.upload_rows, info["quals"])
        for attempt in ("first upload", "same file again"):
            started = time.perf_counter()
            response = client.post(
                "/centre/learners/upload",
                data={"file": (io.BytesIO(data), "learners.csv")},
                content_type="multipart/form-data",
            )
            seconds = time.perf_counter() - started
            assert response.status_code == 200
            page = response.get_data(as_text=True)
            added = page.split("<strong>", 1)[1].split("</strong>", 1)[0]
            print(
                f"\nCSV upload of {args.upload_rows:,} rows, {attempt}: {seconds:.2f} s "
                f"({added} added)"
            )
        with app.app_context():
            total = db.session.scalar(
                select(db.func.count(Completion.id)).where(
                    Completion.organisation_id == info["centre_id"]
                )
            )
        print(f"Centre now has {total:,} learners (no duplicates from the second upload).")
        if args.registered:
            bench_registered(app, client, info, args)


if __name__ == "__main__":
    main()
