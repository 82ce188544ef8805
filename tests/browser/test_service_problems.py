"""What staff and administrators see when the mail server or the database is down (issue 21):
WCAG 2.2 AA, valid HTML, and no sideways scroll at 320 px and 1280 px."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from portal.database import utcnow
from portal.extensions import db
from portal.notify.services import note_mail_server_unreachable
from tests.browser.helpers import sign_in

WIDTHS = (320, 1280)


def _no_sideways_scroll(page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, f"{page.url} scrolls sideways at {page.viewport_size['width']} px"


def _banner_fits(page) -> None:
    right = page.evaluate(
        "document.querySelector('.service-problem').getBoundingClientRect().right"
    )
    assert right <= page.viewport_size["width"], f"{page.url}: the notice is too wide"


def test_the_mail_outage_banner_on_admin_and_staff_pages(
    page, live_server, check_accessible, check_html
):
    with live_server.app.app_context():
        note_mail_server_unreachable(
            "ConnectionRefusedError: [Errno 111] Connection refused by "
            "smtp-relay.a-rather-long-internal-host-name.example.org:587",
            utcnow() - timedelta(minutes=12),
        )
        db.session.commit()
        db.session.remove()
    sign_in(page, "admin@demo.test")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in ("/admin/", "/admin/mail", "/staff/"):
            page.goto(path)
            assert "Cannot reach the mail server since" in page.content()
            check_accessible(page)
            _banner_fits(page)
            if path == "/admin/":  # the mailbox's and the queue's tables are wider than
                _no_sideways_scroll(page)  # 320 px without the notice (not this test's)
    check_html()


def test_the_database_unavailable_page(page, live_server, check_accessible, check_html):
    def refuse(dialect, conn_rec, cargs, cparams):
        raise dialect.loaded_dbapi.OperationalError("the database is restarting")

    with live_server.app.app_context():
        engine = db.engine
        engine.dispose()
    event.listen(engine, "do_connect", refuse)
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            response = page.goto("/charter")
            assert response.status == 503
            assert "not available just now" in page.content()
            check_accessible(page)
            _no_sideways_scroll(page)
    finally:
        event.remove(engine, "do_connect", refuse)
    check_html()
