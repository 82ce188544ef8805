"""Benchmark live request pages (issue #4): what 2,000 open pages cost while nothing changes.

Usage: ``python bench/live.py [--pages 2000] [--seconds 30] [--workers 2] [--database-url URL]``

* builds a database (a temporary SQLite file unless ``--database-url``) with one open visitor
  request per simulated page;
* starts the portal under gunicorn (gthread workers, keep-alive), as in production;
* phase "idle": the server with nothing to do (the floor);
* phase "baseline": the same pages polling ``/healthz``, the cheapest dynamic route (one
  ``SELECT 1``), at the same rate, for comparison;
* phase "live": every page polls its state URL every ``LIVE_POLL_SECONDS`` with
  ``If-None-Match`` on its own keep-alive connection, as live.js does; while it runs, a few
  requests are changed through the services and the time until their page has fetched the
  new fragment is measured (the target is under 5 seconds);
* reports server CPU for each phase, from ``/proc/<pid>/stat`` of the gunicorn master and
  workers, in cores (1.0 = one core busy all the time), and response counts and latencies.

Figures go in docs/PERFORMANCE.md ("Live request pages").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Signs the bench's own throwaway sessions and state keys only.
BENCH_SECRET = "bench-secret-key-bench-secret-key"  # noqa: S105
POLL_SECONDS = 3.0


# ---------------------------------------------------------------------------- database


def build_database(url: str, pages: int) -> list[tuple[int, str, str]]:
    """Migrate, then create one visitor request per page: (id, state key, private token)."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.requests import live, services

    app = create_app({"PORTAL_CONFIG": "development", "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": BENCH_SECRET})
    with app.app_context():
        upgrade()
        made = []
        for n in range(pages):
            submission = services.submit_request(
                "query", subject=f"Bench question {n}", body="Is anything happening?",
                name=f"Visitor {n}", email=f"visitor{n}@bench.test",
            )
            made.append(submission)
            if n % 500 == 499:
                db.session.commit()
        db.session.commit()
        rows = [(s.request.id, live.state_key("r", s.request.id), s.private_token) for s in made]
        db.session.remove()
        db.engine.dispose()
    return rows


def change_request(url: str, request_id: int) -> None:
    from portal import create_app
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.requests import services
    from portal.requests.models import ServiceRequest
    from tests.factories import make_user

    app = create_app({"PORTAL_CONFIG": "development", "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": BENCH_SECRET})
    with app.app_context():
        from sqlalchemy import select

        staff = db.session.scalar(select(User).where(User.role == "staff"))
        if staff is None:
            staff = make_user("staff")
        request = db.session.get(ServiceRequest, request_id)
        services.set_status(request, staff, "with_team")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


# ---------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, PORTAL_CONFIG="development",
               SECRET_KEY=BENCH_SECRET)
    command = [
        sys.executable, "-m", "gunicorn", "wsgi:app",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", "4",
        "--worker-connections", "4000", "--keep-alive", "30",
        "--log-level", "warning", "--backlog", "4096",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def server_pids(master: int) -> list[int]:
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


# ---------------------------------------------------------------------------- clients


class Stats:
    def __init__(self) -> None:
        self.codes: dict[int, int] = {}
        self.latencies: list[float] = []
        self.errors = 0


async def http_get(reader, writer, path: str, headers: dict[str, str]) -> tuple[int, dict, bytes]:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    response_headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        response_headers[name.strip().lower()] = value.strip()
    length = int(response_headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return status, response_headers, body


async def page(port: int, path: str, fragment: str | None, stats: Stats, stop: float,
               changes: dict, request_id: int | None) -> None:
    """One open page: poll, and on a change fetch the fragment, like live.js."""
    await asyncio.sleep(random.uniform(0, POLL_SECONDS))
    reader = writer = None
    etag = ""
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            headers = {"If-None-Match": etag} if etag else {}
            status, response_headers, _ = await http_get(reader, writer, path, headers)
            stats.codes[status] = stats.codes.get(status, 0) + 1
            stats.latencies.append(time.monotonic() - started)
            if status == 200:
                if etag and fragment:
                    await http_get(reader, writer, fragment, {})
                    changed_at = changes.get(request_id)
                    if changed_at is not None:
                        changes[request_id] = ("seen", time.time() - changed_at)
                etag = response_headers.get("etag", "")
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            stats.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
        await asyncio.sleep(max(0.0, POLL_SECONDS - (time.monotonic() - started)))
    if writer is not None:
        writer.close()


async def run_phase(port: int, targets: list[tuple[str, str | None, int | None]],
                    seconds: float, master: int, warmup: float, url: str | None = None,
                    change_ids: list[int] | None = None) -> dict:
    stats = Stats()
    changes: dict = {}
    stop = time.monotonic() + warmup + seconds
    tasks = [
        asyncio.create_task(page(port, path, fragment, stats, stop, changes, rid))
        for path, fragment, rid in targets
    ]
    await asyncio.sleep(warmup)
    stats.codes.clear()
    stats.latencies.clear()
    pids = server_pids(master)
    cpu_before, wall_before = cpu_seconds(pids), time.monotonic()
    if change_ids:
        gap = seconds / (len(change_ids) + 1)
        for rid in change_ids:
            await asyncio.sleep(gap)
            await asyncio.to_thread(change_request, url, rid)
            changes[rid] = time.time()
    await asyncio.sleep(max(0.0, stop - time.monotonic() - 0.5))
    cpu_after, wall_after = cpu_seconds(server_pids(master)), time.monotonic()
    await asyncio.gather(*tasks)
    latencies = sorted(stats.latencies) or [0.0]
    return {
        "cores": (cpu_after - cpu_before) / (wall_after - wall_before),
        "codes": dict(stats.codes),
        "rate": sum(stats.codes.values()) / (wall_after - wall_before),
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": stats.errors,
        "changes": changes,
    }


def report(name: str, result: dict) -> None:
    print(f"{name:<9} server CPU {result['cores']:.3f} cores, {result['rate']:.0f} req/s, "
          f"responses {result['codes']}, p50 {result['p50_ms']:.1f} ms, "
          f"p99 {result['p99_ms']:.1f} ms, client errors {result['errors']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.pages + 256)), hard))

    folder = tempfile.mkdtemp(prefix="bench-live-")
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    print(f"Building {args.pages} open requests in {url.split('@')[-1]} ...", flush=True)
    rows = build_database(url, args.pages)
    port = free_port()
    server = start_server(url, port, args.workers)
    try:
        print(f"gunicorn: {args.workers} gthread workers; {args.pages} pages polling every "
              f"{POLL_SECONDS:.0f}s; {os.cpu_count()} CPUs; measuring {args.seconds:.0f}s "
              "per phase\n", flush=True)
        time.sleep(5)  # let the workers finish booting before measuring the floor
        pids = server_pids(server.pid)
        before, wall = cpu_seconds(pids), time.monotonic()
        time.sleep(5)
        idle = (cpu_seconds(server_pids(server.pid)) - before) / (time.monotonic() - wall)
        print(f"{'idle':<9} server CPU {idle:.3f} cores")

        baseline = asyncio.run(run_phase(
            port, [("/healthz", None, None)] * args.pages, args.seconds, server.pid,
            args.warmup))
        report("baseline", baseline)

        change_ids = [rid for rid, _key, _token in random.sample(rows, args.changes)]
        targets = [(f"/live/{key}", f"/r/{token}/live", rid) for rid, key, token in rows]
        result = asyncio.run(run_phase(
            port, targets, args.seconds, server.pid, args.warmup, url, change_ids))
        report("live", result)
        seen = [v[1] for v in result["changes"].values() if isinstance(v, tuple)]
        missed = len(change_ids) - len(seen)
        if seen:
            print(f"\nChanges made during the live phase: {len(change_ids)}; shown on their "
                  f"page after {min(seen):.2f}s to {max(seen):.2f}s (median "
                  f"{statistics.median(seen):.2f}s); not shown: {missed}")
        else:
            print(f"\nChanges made: {len(change_ids)}; none was seen (missed {missed})")
        verdict = "under" if result["cores"] < 0.5 else "OVER"
        print(f"Target: under 0.5 cores for {args.pages} pages -> {result['cores']:.3f} "
              f"({verdict}); change shown within 5s -> "
              f"{'yes' if seen and max(seen) < 5 and not missed else 'NO'}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)


if __name__ == "__main__":
    main()
