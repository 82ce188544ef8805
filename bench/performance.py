"""Benchmark the published charter performance (issue 17) on the 1,000,000-request seed.

Usage: ``python bench/performance.py [--requests 1000000] [--reseed] [--iterations 200]
[--database-url postgresql+psycopg://postgres@127.0.0.1/portal_bench_i17]``

* seeds with ``bench/staff.py``'s set-based seed (three years of requests up to now), then
  gives complaints an agreed resolution date, so the complaints figures have work to do;
* publishing: times ``month_figures`` plus ``publish_month`` and its commit for last month,
  five times (each in a transaction rolled back, so the month is published afresh), and then
  publishes the twelve months before today for the page;
* the public page and the open data, served from the snapshots through the Flask test client
  (no network), p50 and p95 over ``--iterations``: ``/healthz`` as the baseline, the page,
  the all-months JSON and CSV, and the all-months JSON revalidated with ``If-None-Match``.

Figures go in docs/PERFORMANCE.md ("Published charter performance").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent))

from staff import ensure_database, line, make_app, seed, timed  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/portal_bench_i17"

AGREED_DATES = """
UPDATE service_request
SET resolution_due_at = promise_met_at + interval '10 days',
    resolved_at = CASE WHEN resolved_at IS NOT NULL
                       THEN promise_met_at + interval '1 day' * (3 + (id % 12)) END
WHERE kind = 'complaint' AND promise_met_at IS NOT NULL
"""


def _months_back(today, n):
    from datetime import date

    index = today.year * 12 + today.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def publishing(app, runs: int = 5) -> None:
    from portal.clock import london_today
    from portal.database import utcnow
    from portal.extensions import db
    from portal.performance.services import publish_month
    from portal.staff.public_figures import month_figures
    from portal.staff.report import period_containing

    month = _months_back(london_today(), 1)
    times = []
    with app.test_request_context():
        for _ in range(runs):
            t0 = time.perf_counter()
            figures = month_figures(period_containing("month", month), utcnow())
            publish_month(month, figures)
            db.session.flush()
            times.append(time.perf_counter() - t0)
            db.session.rollback()
        total = figures["total"]
        print(f"  publishing {month:%B %Y} ({total['fell_due']:,} fell due): "
              f"median {statistics.median(times):.2f} s, slowest {max(times):.2f} s "
              f"over {runs} runs (target under 5 s)")
        t0 = time.perf_counter()
        for n in range(12, 0, -1):
            m = _months_back(london_today(), n)
            publish_month(m, month_figures(period_containing("month", m), utcnow()))
        db.session.commit()
        print(f"  published 12 months for the page in {time.perf_counter() - t0:.1f} s")


def serving(app, iterations: int) -> None:
    client = app.test_client()
    for name, url, target in (
        ("baseline /healthz", "/healthz", ""),
        ("public page, from the snapshots", "/charter/performance", "  target p95 < 50 ms"),
        ("all months, JSON", "/charter/performance.json", "  target < 200 ms"),
        ("all months, CSV", "/charter/performance.csv", ""),
    ):
        p50, p95, body = timed(client, url, iterations)
        line(name, p50, p95, iterations, target)
        if url.endswith(".json"):
            etag = client.get(url).headers["ETag"]
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        response = client.get("/charter/performance.json", headers={"If-None-Match": etag})
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 304
    times.sort()
    line("all months, JSON, If-None-Match (304)", statistics.median(times),
         times[int(round(0.95 * (len(times) - 1)))], iterations)
    print(f"  all-months CSV {len(body):,} bytes; "
          f"JSON {len(client.get('/charter/performance.json').data):,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--reseed", action="store_true", help="seed even if already seeded")
    args = parser.parse_args()
    ensure_database(args.database_url)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal.extensions import db

    app = make_app(args.database_url)
    with app.app_context():
        upgrade()
        count = db.session.scalar(text("SELECT count(*) FROM service_request"))
    if args.reseed or count != args.requests:
        seed(app, args.requests)
        with app.app_context():
            db.session.execute(text(AGREED_DATES))
            db.session.commit()
    with app.app_context():
        db.session.execute(text("TRUNCATE published_correction, published_month, month_note"))
        db.session.commit()
        count = db.session.scalar(text("SELECT count(*) FROM service_request"))
    print(f"{count:,} requests")
    publishing(app)
    serving(app, args.iterations)


if __name__ == "__main__":
    main()
