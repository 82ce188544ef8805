"""Smoke test of bench/load.py: every piece starts, talks to the others and is counted.

Slow (about a minute) and needs PostgreSQL, Redis and HAProxy, so it runs only when asked:
``BENCH_SMOKE=1 python -m pytest tests/test_bench_load.py``. It runs the real orchestration
with a small seed, two users and a few seconds per phase, in a process of its own, and checks
the figures it reports rather than timings: pages were served, no server errors, the failover
happened (one web instance and the active worker stopped, the standby took over), and every
queued email arrived exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    os.environ.get("BENCH_SMOKE") != "1", reason="set BENCH_SMOKE=1 to run the load bench smoke"
)


def test_load_bench_runs_end_to_end(tmp_path):
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/portal_load_smoke"
    )
    out = tmp_path / "figures.json"
    subprocess.run(
        [sys.executable, "bench/load.py", "--database-url", url, "--members", "30",
         "--users", "4", "--duration", "16", "--think", "0.3", "--throughput-seconds", "2",
         "--sqlite-steps", "3", "--sqlite-step-seconds", "5", "--json", str(out)],
        cwd=ROOT, check=True, timeout=600,
    )
    figures = json.loads(out.read_text())
    pg = figures["postgresql"]
    for target in ("baseline", "member dashboard", "member request page"):
        measured = pg["throughput"][target]
        assert measured["pages"][target]["count"] > 0
        assert measured["errors"]["server_errors"] == 0
    journeys = pg["journeys"]
    assert journeys["pages"]["member dashboard"]["count"] > 0
    assert journeys["errors"]["server_errors"] == 0
    assert journeys["errors"]["user_visible_failures"] == 0
    failover = journeys["failover"]
    assert failover["web_stopped_at"] > 0
    assert failover["active_worker"] in ("worker1", "worker2")
    assert failover["standby_active_after"] < 30
    for email in (pg["email"], figures["sqlite"]["email"]):
        assert email["queued"] > 0
        assert email["lost_count"] == 0
        assert email["duplicated_count"] == 0
        assert email["unknown_count"] == 0
    step = figures["sqlite"]["steps"]["3"]
    assert step["pages"]["member dashboard"]["count"] > 0
    assert step["errors"]["server_errors"] == 0
