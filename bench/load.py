"""The production shape under load (issue #9): two web instances behind a load balancer on
PostgreSQL and Redis, two workers, a mix of real journeys, one web instance and the active
worker stopped mid-run; then the same journeys on the embedded default (SQLite, one instance).

Usage::

    python bench/load.py [--duration 300] [--users 50] [--think 1.0]
                         [--database-url postgresql+psycopg://postgres@127.0.0.1/portal_load]
                         [--throughput-seconds 30] [--sqlite-steps 10,25,50]
                         [--sqlite-step-seconds 60] [--no-sqlite] [--no-postgres] [--no-failover]
                         [--single] [--members 2000] [--json FILE]

What it does, in order:

1. **Database**: creates the PostgreSQL database if missing, **drops its schema** (point it at a
   scratch database), migrates it, and seeds 2,000 active members with a password (hashed once
   with the production argon2 cost, the hash reused), 10 staff with their own authenticator
   keys, and two requests per member through the request services (due dates, timelines), a
   third answered by staff and a sixth resolved. The seeding's emails are cleared, so the
   outbox holds only what the run queues.
2. **Processes**, all on loopback and all children of this one: an SMTP sink (aiosmtpd, in a
   thread here) that records every Message-ID; two portal instances (``gunicorn --config
   gunicorn.conf.py wsgi:app``, 2 workers each) and two baseline instances (bench/baseline_app.py,
   same settings) with ``PORTAL_CONFIG=production``, ``REDIS_URL`` set; HAProxy in front
   (round robin, health checks on /healthz every second, a failed connection retried on the
   other instance); two ``flask worker`` processes (one active, one standby).
3. **Throughput** (closed loop, ``--users`` clients with no pauses, ``--throughput-seconds``
   each): the baseline page, the member dashboard and the member request page, each client
   signed in as its own member, outside the measured window.
4. **Journeys** (``--duration`` seconds, ``--users`` people with ``--think`` seconds' pause on
   average between pages, from bench/load_client.py in a process of its own): 8 in 10
   members, 1 in 10 staff, 1 in 10 sets of ten open request pages polling their live state.
   At 40% of the run one web instance gets SIGTERM and stays down; at 50% the active worker
   gets SIGTERM and stays down.
5. **Email**: waits until the outbox is empty, then compares every Message-ID the outbox
   sent with what the sink received: none lost, none twice.
6. **SQLite**: the same seed in a SQLite file (WAL), one instance (gunicorn, 2 workers), one
   worker, no Redis, no balancer; the journeys at each of ``--sqlite-steps`` users.

``--single`` runs the PostgreSQL part on one portal instance and one baseline instance that the
clients reach directly, over plain HTTP: no HAProxy (for a machine without it) and so no
failover. Both sides lose the balancer's hop alike, so the throughput ratios still compare the
portal with the baseline; they are not the same figures as a run through HAProxy.

The bench raises the sign-in rate limit (``SIGN_IN_RATE_LIMIT=100000 per minute``) because
every simulated person comes from 127.0.0.1: in production each has an address of their own.
The growing delays after failed sign-ins stay on (the bench never fails a sign-in).

Figures go in docs/PERFORMANCE.md ("Production shape (bench/load.py)").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/portal_load"
REDIS_URL = "redis://127.0.0.1:6379/11"
BENCH_SECRET = "bench-load-secret-key-bench-load-secret-key"  # noqa: S105 - throwaway sessions
PASSWORD = "bench-load-password-2026"  # noqa: S105 - the bench's own accounts
MEMBERS = 2000
STAFF = 10
REQUESTS_PER_MEMBER = 2
KEY_PAGES = ("member dashboard", "member request page")


# -------------------------------------------------------------------------------- seeding


def seed(url: str, members: int = MEMBERS, quiet: bool = False) -> dict:
    """Migrate and fill ``url``; returns the accounts and pages the load client uses."""
    import random

    import pyotp
    from flask import url_for
    from flask_migrate import upgrade
    from sqlalchemy import delete, select

    from portal import create_app
    from portal.accounts.models import Membership, MemberStatus, Role, TwoFactor, User
    from portal.accounts.passwords import hash_password
    from portal.clock import london_today
    from portal.database import utcnow
    from portal.extensions import db
    from portal.notify.models import OutboxMessage
    from portal.requests import live, services
    from portal.requests.models import ServiceRequest

    started = time.monotonic()
    if url.startswith("postgresql"):
        from _common import fresh_database

        fresh_database(url)
    app = create_app({"PORTAL_CONFIG": "development", "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": BENCH_SECRET, "SERVER_NAME": "127.0.0.1"})
    rng = random.Random(9)
    with app.app_context():
        if not url.startswith("postgresql"):
            upgrade()
        # Production cost (argon2id, 3 passes, 64 MiB), so signing in costs what it will.
        password_hash = hash_password(PASSWORD)
        now = utcnow()
        today = london_today()
        staff = []
        for n in range(STAFF):
            user = User(email=f"staff{n}@bench.test", full_name=f"Staff Member {n}",
                        role=Role.STAFF.value, password_hash=password_hash,
                        email_verified_at=now, job_title="Member Services Adviser")
            db.session.add(user)
            staff.append(user)
        db.session.flush()
        secrets = {}
        for user in staff:
            secrets[user.email] = pyotp.random_base32()
            db.session.add(TwoFactor(user_id=user.id, secret=secrets[user.email],
                                     confirmed_at=now))
        people = []
        for n in range(members):
            user = User(email=f"member{n}@bench.test", full_name=f"Member Number {n}",
                        role=Role.MEMBER.value, password_hash=password_hash,
                        email_verified_at=now, phone="07700 900123")
            user.membership = Membership(
                membership_number=f"B{n + 100000:06d}", grade="member",
                status=MemberStatus.ACTIVE.value, joined_on=today - timedelta(days=400 + n),
                renewal_date=today + timedelta(days=(n * 37) % 360 + 2),
            )
            db.session.add(user)
            people.append(user)
        db.session.commit()
        made = []
        for i, user in enumerate(people):
            for k in range(REQUESTS_PER_MEMBER):
                submission = services.submit_request(
                    "query", subject=f"Question {k + 1} about my membership",
                    body="When is my renewal due, and can I pay it in instalments?",
                    requester=user, notify_customer=False,
                )
                made.append(submission.request)
            if i % 200 == 199:
                db.session.commit()
        db.session.commit()
        for n, request in enumerate(made):
            adviser = staff[n % STAFF]
            if n % 6 == 0:
                services.resolve(request, adviser, "Your renewal is due in the spring.")
            elif n % 3 == 1:
                services.staff_reply(request, adviser, "Your renewal date is in your account.")
            if n % 500 == 499:
                db.session.commit()
        db.session.commit()
        db.session.execute(delete(OutboxMessage))  # only the run's own emails are counted
        db.session.commit()
        open_refs: dict[int, list[str]] = {}
        open_ids = []
        for request in db.session.scalars(
            select(ServiceRequest).where(ServiceRequest.status != "resolved")
        ):
            open_refs.setdefault(request.requester_id, []).append(request.reference)
            open_ids.append(request.id)
        with app.test_request_context():
            state_urls = [url_for("visitor.live_state", key=live.state_key("r", rid))
                          for rid in rng.sample(open_ids, min(len(open_ids), 500))]
        result = {
            "members": [{"id": u.id, "email": u.email, "refs": open_refs[u.id]}
                        for u in people if u.id in open_refs],
            "staff": [{"email": u.email, "secret": secrets[u.email]} for u in staff],
            "state_urls": state_urls,
        }
        db.session.remove()
        db.engine.dispose()
    if not quiet:
        print(f"seeded {members} members, {STAFF} staff, {len(made)} requests "
              f"in {time.monotonic() - started:.0f} s", flush=True)
    return result


# ------------------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Every child this bench starts, each in a session of its own, stopped by its id."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.children: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        process.name = name
        self.children.append(process)
        return process

    @staticmethod
    def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 30) -> None:
        if process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(wait)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop_all(self) -> None:
        for process in reversed(self.children):
            self.stop(process, wait=10)


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def app_env(url: str, smtp_port: int, base_url: str, redis: bool, behind_proxy: bool) -> dict:
    env = dict(os.environ)
    env.update({
        "PORTAL_CONFIG": "production",
        "SECRET_KEY": BENCH_SECRET,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL if redis else "",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "PORTAL_BASE_URL": base_url,
        "TRUSTED_HOSTS": "127.0.0.1",
        # Every simulated person comes from 127.0.0.1; see the module docstring.
        "SIGN_IN_RATE_LIMIT": "100000 per minute",
        # Mail goes out every 3 s and a standby looks for leadership every 3 s, so the run
        # can be checked soon after it ends; production keeps 30 s and 10 s.
        "OUTBOX_SEND_SECONDS": "3",
        "WORKER_POLL_SECONDS": "3",
        "MAIL_SEND_LEASE_SECONDS": "60",
        "GUNICORN_WORKERS": "2",
    })
    if behind_proxy:
        env.update({"PROXY_FIX_X_FOR": "1", "PROXY_FIX_X_PROTO": "1"})
    env.pop("FLASK_APP", None)
    return env


def start_gunicorn(procs: Processes, name: str, app: str, port: int, env: dict):
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    return procs.start(name, [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
                              app], env)


def start_worker(procs: Processes, name: str, env: dict):
    return procs.start(name, [sys.executable, "-m", "flask", "--app", "wsgi", "worker"], env)


HAPROXY = """global
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 30s
    option forwardfor
    # A request that could not reach an instance (refused, or an idle connection the instance
    # had just closed) goes to the other one; nothing else is retried.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    http-reuse safe
frontend portal
    bind 127.0.0.1:{portal_port}
    http-request set-header X-Forwarded-Proto https
    default_backend portal
frontend baseline
    bind 127.0.0.1:{baseline_port}
    default_backend baseline
backend portal
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    # A check waits up to 5 s: under full load /healthz queues behind real requests, and a
    # short timeout would take every instance out at once. A stopped instance is caught at
    # once anyway: its refused connection marks it down (observe layer4).
    timeout check 5s
    default-server inter 2s fall 3 rise 2 observe layer4 error-limit 1 on-error mark-down
{portal_servers}
backend baseline
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    timeout check 5s
    default-server inter 2s fall 3 rise 2
{baseline_servers}
"""


def start_haproxy(procs: Processes, workdir: Path, portal: list[int], baseline: list[int],
                  portal_port: int, baseline_port: int):
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        raise SystemExit("HAProxy is needed: apt-get install -y haproxy")
    config = workdir / "haproxy.cfg"
    config.write_text(HAPROXY.format(
        portal_port=portal_port, baseline_port=baseline_port,
        portal_servers="\n".join(f"    server web{i + 1} 127.0.0.1:{p} check"
                                 for i, p in enumerate(portal)),
        baseline_servers="\n".join(f"    server base{i + 1} 127.0.0.1:{p} check"
                                   for i, p in enumerate(baseline)),
    ))
    return procs.start("haproxy", [haproxy, "-db", "-f", str(config)], dict(os.environ))


def start_sink():
    from tests.smtp_server import RecordingHandler, start_smtp

    return start_smtp(RecordingHandler())


# -------------------------------------------------------------------------------- the load


def run_client(workdir: Path, name: str, spec: dict) -> dict:
    spec_path, result_path = workdir / f"{name}.spec.json", workdir / f"{name}.result.json"
    spec_path.write_text(json.dumps(spec))
    subprocess.run([sys.executable, str(ROOT / "bench" / "load_client.py"), str(spec_path),
                    str(result_path)], check=True, cwd=ROOT)
    return json.loads(result_path.read_text())


def client_spec(seeded: dict, base: str, users: int, duration: float, think: float,
                mode: str = "mix", target: str = "", scheme: str = "https") -> dict:
    roles, open_pages = [], {}
    staff_users = max(1, users // 10) if mode == "mix" else 0
    page_users = max(1, users // 10) if mode == "mix" and users >= 5 else 0
    urls = seeded["state_urls"]
    for i in range(users):
        if i < staff_users:
            roles.append("staff")
        elif i < staff_users + page_users:
            roles.append("pages")
            open_pages[i] = urls[(i * 10) % len(urls):(i * 10) % len(urls) + 10] or urls[:10]
        else:
            roles.append("member")
    return {"base": base, "scheme": scheme, "mode": mode, "target": target, "users": users,
            "duration": duration, "think": think, "password": PASSWORD,
            "members": seeded["members"], "staff": seeded["staff"], "roles": roles,
            "open_pages": {str(k): v for k, v in open_pages.items()}, "seed": users}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


def summarise(result: dict, since: float = 0.0, until: float = float("inf")) -> dict:
    """Per page: count, rate, p50/p95/p99 (ms) and statuses, for samples in [since, until)."""
    pages = {}
    window_start = result.get("window_start", result["started"]) - result["started"]
    since = max(since, window_start)
    until = min(until, result["ended"] - result["started"])
    seconds = max(until - since, 1e-9)
    for page, samples in sorted(result["samples"].items()):
        picked = [s for s in samples if since <= s[0] < until]
        if not picked:
            continue
        latencies = [s[1] for s in picked]
        codes: dict[str, int] = {}
        for s in picked:
            codes[str(s[2])] = codes.get(str(s[2]), 0) + 1
        pages[page] = {"count": len(picked), "rate": len(picked) / seconds,
                       "p50": statistics.median(latencies), "p95": percentile(latencies, 0.95),
                       "p99": percentile(latencies, 0.99), "codes": codes}
    return pages


def errors_of(result: dict) -> dict:
    raw = result["raw_errors"]
    return {
        "server_errors": sum(1 for e in raw if e[2].startswith("HTTP 5")),
        "connection_errors": sum(1 for e in raw if not e[2].startswith("HTTP")),
        "user_visible_failures": len(result["failures"]),
        "unexpected_status": len(result["unexpected"]),
        "stale_keepalive_resent": len(result.get("stale_keepalive", [])),
        "raw": raw[:20], "failures": result["failures"][:20],
        "unexpected": result["unexpected"][:20],
    }


def print_pages(pages: dict) -> None:
    print(f"  {'page':<28}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          "  statuses")
    for page, s in pages.items():
        print(f"  {page:<28}{s['count']:>8}{s['rate']:>9.1f}{s['p50']:>9.1f}{s['p95']:>9.1f}"
              f"{s['p99']:>9.1f}  {s['codes']}")
    total = sum(s["count"] for s in pages.values())
    rate = sum(s["rate"] for s in pages.values())
    print(f"  {'all pages':<28}{total:>8}{rate:>9.1f}")


def print_errors(errors: dict) -> None:
    print(f"  server errors (5xx) {errors['server_errors']}, connection errors "
          f"{errors['connection_errors']}, user-visible failures "
          f"{errors['user_visible_failures']}, unexpected statuses "
          f"{errors['unexpected_status']}; idle keep-alive connections resent "
          f"{errors['stale_keepalive_resent']}")
    for what in ("raw", "failures", "unexpected"):
        for item in errors[what][:5]:
            print(f"    {what}: t={item[0]:.1f}s {item[1]}: {item[2]}")


# ------------------------------------------------------------------------------- the email


def account_email(url: str, sink, wait: float = 180) -> dict:
    """Wait for the outbox to empty, then match what it sent with what arrived."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    deadline = time.monotonic() + wait
    with engine.connect() as conn:
        while True:
            waiting = conn.scalar(text(
                "SELECT count(*) FROM outbox_message WHERE status IN ('pending', 'sending')"))
            conn.commit()
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(1)
        rows = conn.execute(text("SELECT message_id, status FROM outbox_message")).all()
    engine.dispose()
    arrived: dict[str, int] = {}
    with sink.handler.lock:
        for message in sink.handler.messages:
            mid = str(message["Message-ID"] or "").strip().strip("<>")
            arrived[mid] = arrived.get(mid, 0) + 1
    queued = {str(r[0]).strip("<>"): r[1] for r in rows}
    return {
        "queued": len(queued),
        "still_waiting": waiting,
        "failed": sum(1 for s in queued.values() if s == "failed"),
        "arrived": sum(arrived.values()),
        "lost": sorted(m for m in queued if m not in arrived)[:10],
        "lost_count": sum(1 for m in queued if m not in arrived),
        "duplicated_count": sum(1 for m, n in arrived.items() if n > 1),
        "unknown_count": sum(1 for m in arrived if m not in queued),
    }


def print_email(email: dict) -> None:
    print(f"  queued in the outbox {email['queued']}, arrived {email['arrived']}, lost "
          f"{email['lost_count']}, duplicated {email['duplicated_count']}, arrived but never "
          f"queued {email['unknown_count']}, failed {email['failed']}, still waiting "
          f"{email['still_waiting']}")


def active_worker(procs: Processes, workers: list) -> subprocess.Popen | None:
    for process in workers:
        log = (procs.logs / f"{process.name}.log").read_text(errors="replace")
        if f"worker {process.pid} active" in log:
            return process
    return None


# ------------------------------------------------------------------------------- the runs


def postgres_run(args, workdir: Path, procs: Processes) -> dict:
    shape = "one instance each, no balancer" if args.single else "two instances behind HAProxy"
    print(f"== PostgreSQL ({shape}): {args.database_url}", flush=True)
    seeded = seed(args.database_url, args.members)
    sink = start_sink()
    try:
        instances = 1 if args.single else 2
        web_ports = [free_port() for _ in range(instances)]
        base_ports = [free_port() for _ in range(instances)]
        lb_port, base_lb_port = (web_ports[0], base_ports[0]) if args.single else (
            free_port(), free_port())
        scheme = "http" if args.single else "https"
        env = app_env(args.database_url, sink.port, f"http://127.0.0.1:{lb_port}",
                      redis=True, behind_proxy=not args.single)
        web = [start_gunicorn(procs, f"web{i + 1}", "wsgi:app", p, env)
               for i, p in enumerate(web_ports)]
        for i, p in enumerate(base_ports):
            start_gunicorn(procs, f"baseline{i + 1}", "bench.baseline_app:app", p, env)
        for p in web_ports + base_ports:
            wait_http(f"http://127.0.0.1:{p}/healthz")
        if not args.single:
            start_haproxy(procs, workdir, web_ports, base_ports, lb_port, base_lb_port)
            wait_http(f"http://127.0.0.1:{lb_port}/healthz")
            wait_http(f"http://127.0.0.1:{base_lb_port}/healthz")
            time.sleep(4.5)  # both servers pass their first health checks
        workers = [start_worker(procs, f"worker{i + 1}", env) for i in range(2)]
        results: dict = {"throughput": {}}

        if args.throughput_seconds > 0:
            print(f"-- throughput, closed loop, {args.users} clients, "
                  f"{args.throughput_seconds:.0f} s each", flush=True)
            for target, port in (("baseline", base_lb_port), ("member dashboard", lb_port),
                                 ("member request page", lb_port)):
                spec = client_spec(seeded, f"http://127.0.0.1:{port}", args.users,
                                   args.throughput_seconds, 0, "closed", target, scheme)
                result = run_client(workdir, f"closed-{target.replace(' ', '-')}", spec)
                pages = summarise(result)
                results["throughput"][target] = {"pages": pages, "errors": errors_of(result)}
                print_pages(pages)
                print_errors(results["throughput"][target]["errors"])
            base = results["throughput"]["baseline"]["pages"]["baseline"]["rate"]
            for target in KEY_PAGES:
                rate = results["throughput"][target]["pages"].get(target, {"rate": 0})["rate"]
                results["throughput"][target]["ratio"] = rate / base
                print(f"  {target}: {rate:.0f} req/s = {rate / base:.2f} of the baseline's "
                      f"{base:.0f} req/s (target: at least 0.5)")

        print(f"-- journeys: {args.users} users, {args.duration:.0f} s, pause "
              f"{args.think} s on average", flush=True)
        failover: dict = {}

        def fail_over(started: float) -> None:
            time.sleep(args.duration * 0.4)
            failover["web_stopped_at"] = time.time() - started
            Processes.stop(web[1], signal.SIGTERM)
            print(f"   [{failover['web_stopped_at']:.0f} s] web2 stopped (SIGTERM)", flush=True)
            time.sleep(args.duration * 0.1)
            leader = active_worker(procs, workers)
            failover["active_worker"] = leader.name if leader else None
            if leader is not None:
                failover["worker_stopped_at"] = time.time() - started
                Processes.stop(leader, signal.SIGTERM)
                print(f"   [{failover['worker_stopped_at']:.0f} s] active {leader.name} "
                      "stopped (SIGTERM)", flush=True)
                deadline = time.monotonic() + 60
                standby = [w for w in workers if w is not leader][0]
                while time.monotonic() < deadline:
                    if active_worker(procs, [standby]):
                        failover["standby_active_after"] = (
                            time.time() - started - failover["worker_stopped_at"])
                        print(f"   standby {standby.name} active after "
                              f"{failover['standby_active_after']:.1f} s", flush=True)
                        break
                    time.sleep(0.5)

        spec = client_spec(seeded, f"http://127.0.0.1:{lb_port}", args.users, args.duration,
                           args.think, scheme=scheme)
        started = time.time()
        killer = None
        if not (args.no_failover or args.single):
            killer = threading.Thread(target=fail_over, args=(started,), daemon=True)
            killer.start()
        result = run_client(workdir, "journeys", spec)
        if killer is not None:
            killer.join()
        pages = summarise(result)
        results["journeys"] = {"pages": pages, "errors": errors_of(result),
                               "failover": failover}
        print_pages(pages)
        print_errors(results["journeys"]["errors"])
        if "web_stopped_at" in failover:
            offset = started - result["started"]
            after = summarise(result, since=failover["web_stopped_at"] - offset)
            print("  after web2 stopped (one instance left):")
            print_pages({k: v for k, v in after.items() if k in KEY_PAGES})
            results["journeys"]["after_failover"] = after
        print("-- email", flush=True)
        results["email"] = account_email(args.database_url, sink)
        print_email(results["email"])
    finally:
        procs.stop_all()
        sink.stop()
    return results


def sqlite_run(args, workdir: Path, procs: Processes) -> dict:
    path = workdir / "portal.db"
    url = f"sqlite:///{path}"
    print(f"== SQLite (WAL), one instance: {path}", flush=True)
    seeded = seed(url, args.members)
    sink = start_sink()
    results: dict = {"steps": {}}
    try:
        port = free_port()
        env = app_env(url, sink.port, f"http://127.0.0.1:{port}", redis=False,
                      behind_proxy=False)
        start_gunicorn(procs, "sqlite-web", "wsgi:app", port, env)
        wait_http(f"http://127.0.0.1:{port}/healthz")
        start_worker(procs, "sqlite-worker", env)
        for users in args.sqlite_steps:
            print(f"-- {users} users, {args.sqlite_step_seconds:.0f} s", flush=True)
            spec = client_spec(seeded, f"http://127.0.0.1:{port}", users,
                               args.sqlite_step_seconds, args.think, scheme="http")
            result = run_client(workdir, f"sqlite-{users}", spec)
            pages = summarise(result)
            results["steps"][users] = {"pages": pages, "errors": errors_of(result)}
            print_pages(pages)
            print_errors(results["steps"][users]["errors"])
        print("-- email", flush=True)
        results["email"] = account_email(url, sink)
        print_email(results["email"])
    finally:
        procs.stop_all()
        sink.stop()
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0,
                        help="average pause between a person's pages, seconds")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--throughput-seconds", type=float, default=30)
    parser.add_argument("--sqlite-steps", default="10,25,50",
                        type=lambda s: [int(x) for x in s.split(",") if x])
    parser.add_argument("--sqlite-step-seconds", type=float, default=60)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-failover", action="store_true")
    parser.add_argument("--single", action="store_true",
                        help="PostgreSQL on one instance each, reached directly (no HAProxy)")
    parser.add_argument("--json", help="also write every figure to this file")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    results = {"command": " ".join(["python", "bench/load.py", *(argv or sys.argv[1:])])}
    with tempfile.TemporaryDirectory(prefix="portal-load-") as tmp:
        workdir = Path(tmp)
        procs = Processes(workdir)
        try:
            if not args.no_postgres:
                results["postgresql"] = postgres_run(args, workdir, procs)
            if not args.no_sqlite and args.sqlite_steps:
                results["sqlite"] = sqlite_run(args, workdir, procs)
        except BaseException:
            for log in sorted(workdir.glob("*.log")):
                tail = log.read_text(errors="replace").splitlines()[-15:]
                print(f"--- {log.name}\n" + "\n".join(tail), file=sys.stderr)
            raise
        finally:
            procs.stop_all()
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
