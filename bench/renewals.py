"""Benchmark the renewal-reminders job (CHARTER.md section 4) on PostgreSQL.

Usage: ``python bench/renewals.py [--members N] [--database-url URL]``

* seeds N members (default 1,000,000) with one set-based ``generate_series`` insert, 3% of
  them due a reminder today (renewal 0 to 28 days ahead), 1% lapsed inside the window, the
  rest renewing later;
* baseline: a plain ``INSERT ... SELECT`` of the same due rows into a scratch table (the
  database work with no templates, no attachments);
* runs the job once (must queue every due reminder, target under 15 s) and again (must
  queue none), and prints the times and the ratio to the baseline.

Uses its own database (default ``portal_bench``), emptied and migrated at the start.
Figures go in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import UTC, datetime

from _common import DEFAULT_URL, fresh_database
from sqlalchemy import text

SEED_USERS = """
INSERT INTO user_account (id, email, full_name, password_hash, role, job_title, phone,
                          is_enabled, session_token, created_at)
SELECT g, 'member' || g || '@bench.test', 'Member' || g || ' Surname', 'x', 'member', '', '',
       true, md5(g::text), now()
FROM generate_series(1, :n) AS g
"""

# 3% due (renewal 0..28 days ahead), 1% lapsed inside the window, the rest 29..390 days.
SEED_MEMBERSHIPS = """
INSERT INTO membership (id, user_id, membership_number, grade, status, joined_on, renewal_date)
SELECT g, g, 'B' || lpad(g::text, 8, '0'), 'member',
       CASE WHEN g % 100 = 3 THEN 'lapsed' ELSE 'active' END,
       DATE '2015-01-01',
       CASE WHEN g % 100 < 4 THEN CAST(:today AS date) + (g % 29)
            ELSE CAST(:today AS date) + 29 + (g % 362) END
FROM generate_series(1, :n) AS g
"""

BASELINE = """
CREATE TEMP TABLE baseline_outbox (key text PRIMARY KEY, to_address text, subject text);
INSERT INTO baseline_outbox (key, to_address, subject)
SELECT 'renewal:' || m.id || ':' || to_char(m.renewal_date, 'YYYY-MM-DD'), u.email,
       'Your membership renewal is due'
FROM membership m JOIN user_account u ON u.id = m.user_id
WHERE m.status = 'active' AND u.is_enabled
  AND m.renewal_date BETWEEN CAST(:today AS date) AND CAST(:today AS date) + 28
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()

    fresh_database(args.database_url)

    from portal import create_app
    from portal.charter import LONDON
    from portal.extensions import db
    from portal.jobs.runner import run_job
    from portal.membership.renewals import renewal_reminders

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    now = datetime.now(UTC)
    today = now.astimezone(LONDON).date()

    with app.app_context():
        started = time.perf_counter()
        db.session.execute(text(SEED_USERS), {"n": args.members})
        db.session.execute(text(SEED_MEMBERSHIPS), {"n": args.members, "today": today})
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        seeded = time.perf_counter() - started
        due = db.session.scalar(
            text(
                "SELECT count(*) FROM membership WHERE status = 'active' "
                "AND renewal_date BETWEEN CAST(:t AS date) AND CAST(:t AS date) + 28"
            ),
            {"t": today},
        )

        started = time.perf_counter()
        for statement in BASELINE.strip().split(";\n"):
            db.session.execute(text(statement), {"today": today})
        db.session.commit()
        baseline = time.perf_counter() - started
        db.session.remove()

    started = time.perf_counter()
    first = run_job(app, "renewal-reminders", renewal_reminders, now=now)
    first_time = time.perf_counter() - started
    started = time.perf_counter()
    second = run_job(app, "renewal-reminders", renewal_reminders, now=now)
    second_time = time.perf_counter() - started

    with app.app_context():
        queued = db.session.scalar(
            text("SELECT count(*) FROM outbox_message WHERE key LIKE 'renewal:%'")
        )
        db.engine.dispose()

    print(f"renewal reminders on PostgreSQL ({platform.python_implementation()} "
          f"{platform.python_version()}, {platform.machine()})")
    print(f"  members seeded          {args.members:>10,}  in {seeded:6.2f} s (generate_series)")
    print(f"  due today               {due:>10,}")
    print(f"  baseline INSERT..SELECT {due:>10,}  in {baseline:6.2f} s")
    print(f"  job, first run          {queued:>10,}  in {first_time:6.2f} s  ({first})")
    print(f"  job, second run         {0:>10,}  in {second_time:6.2f} s  ({second})")
    print(f"  ratio job / baseline    {first_time / baseline:10.1f}x")
    ok = queued == due and "queued 0" in str(second) and first_time < 15
    print(f"  target (all queued in under 15 s, second run none): {'MET' if ok else 'MISSED'}")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
