"""Benchmark the outbox sender against an SMTP server on loopback.

Usage: ``python bench/sender.py [--messages N] [--database-url URL]``

* an aiosmtpd server runs in a process of its own (so it does not share the sender's GIL)
  and counts what it accepts;
* N messages (default 2,000; half with an .ics attachment) are queued in the outbox;
* baseline: a bare ``smtplib`` loop sending the same messages, already built, over one
  connection (the most a sender could do with this server);
* then the real sender (claim, build, send, mark sent and commit each message) delivers
  them, and the rate and its ratio to the baseline are printed. The target is at least
  100 messages a second.

Uses its own PostgreSQL database (default ``portal_bench_sender``), emptied and migrated at
the start. Figures go in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import smtplib
import time

from _common import fresh_database

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/portal_bench_sender"


def _serve(port_value, count, ready) -> None:
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            with count.get_lock():
                count.value += 1
            return "250 OK"

    class LoopbackController(Controller):
        def _trigger_server(self):  # aiosmtpd 1.4.6 cannot probe port 0
            self.port = self.server.sockets[0].getsockname()[1]
            return super()._trigger_server()

    controller = LoopbackController(Counter(), hostname="127.0.0.1", port=0)
    controller.start()
    port_value.value = controller.port
    ready.set()
    while True:
        time.sleep(3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    n = args.messages

    port, count, ready = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0), (
        multiprocessing.Event()
    )
    server = multiprocessing.Process(target=_serve, args=(port, count, ready), daemon=True)
    server.start()
    ready.wait(10)

    fresh_database(args.database_url)
    from portal import create_app
    from portal.extensions import db
    from portal.notify.ics import all_day_event
    from portal.notify.models import OutboxMessage
    from portal.notify.sender import build_message, send_pending
    from portal.notify.services import attachment, insert_outbox_rows, outbox_row, render_email

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port.value,
        }
    )
    from datetime import date

    with app.app_context():
        text, html = render_email(
            "status_update", "Update", first_name="Sam", headline="We have replied.",
            reference="Q-1", link="http://localhost/requests/1",
        )
        ics = attachment("renewal.ics", "text/calendar", all_day_event("u@x", date(2027, 1, 1),
                                                                         "Renewal due"))
        rows = [
            outbox_row(
                key=f"bench:{i}", to=f"person{i}@example.test", subject=f"Update {i}",
                body_text=text, body_html=html, attachments=[ics] if i % 2 else [],
            )
            for i in range(n)
        ]
        insert_outbox_rows(rows)
        db.session.commit()

        # Baseline: the same messages, built in advance, through bare smtplib.
        from sqlalchemy import select

        built = [
            (m.to_address, build_message(m).as_bytes())
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]
        db.session.remove()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port.value, timeout=10) as smtp:
        for to, data in built:
            smtp.sendmail("help@portal.example", [to], data)
    baseline = time.perf_counter() - started
    assert count.value == n, count.value

    with app.app_context():
        started = time.perf_counter()
        report = send_pending()
        elapsed = time.perf_counter() - started
        db.engine.dispose()
    delivered = count.value - n
    server.terminate()

    rate, base_rate = report.sent / elapsed, n / baseline
    print(f"outbox sender on PostgreSQL to loopback SMTP ({platform.python_implementation()} "
          f"{platform.python_version()}, {platform.machine()})")
    print(f"  messages                  {n:>8,}  (half with an .ics attachment)")
    print(f"  baseline smtplib loop     {base_rate:>8.0f} msg/s  ({baseline:.2f} s, prebuilt)")
    print(f"  sender                    {rate:>8.0f} msg/s  ({elapsed:.2f} s: {report})")
    print(f"  ratio sender / baseline   {rate / base_rate:>8.2f}")
    ok = report.sent == n and delivered == n and rate >= 100
    print(f"  target (>= 100 msg/s, every message once): {'MET' if ok else 'MISSED'}")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
