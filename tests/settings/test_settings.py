"""The calendar and targets in force come from the database and change without a restart."""

from datetime import UTC, date, datetime, time

import time_machine

from portal.charter import promise_due
from portal.extensions import db
from portal.settings import services
from portal.settings.models import CalendarDay, PolicyVersion

FRIDAY_1659 = datetime(2026, 11, 27, 16, 59, tzinfo=UTC)


def _due(received=FRIDAY_1659, code="query"):
    from flask import g

    g.pop("_portal_calendar", None)  # a new request
    return promise_due(code, received, services.get_calendar(), services.current_promises()).due


def test_a_closure_day_moves_new_due_dates_at_once(app):
    assert _due() == datetime(2026, 12, 2, 17, tzinfo=UTC)
    services.add_calendar_day(date(2026, 11, 30), "closure", "Staff training")
    db.session.commit()
    assert _due() == datetime(2026, 12, 3, 17, tzinfo=UTC)


def test_removing_a_bank_holiday_and_adding_a_one_off(app):
    christmas_eve = datetime(2026, 12, 24, 10, tzinfo=UTC)
    assert _due(christmas_eve) == datetime(2026, 12, 31, 17, tzinfo=UTC)
    services.add_calendar_day(date(2026, 12, 28), "holiday-removed")
    db.session.commit()
    assert _due(christmas_eve) == datetime(2026, 12, 30, 17, tzinfo=UTC)
    services.add_calendar_day(date(2026, 12, 29), "holiday-added", "State occasion")
    db.session.commit()
    assert _due(christmas_eve) == datetime(2026, 12, 31, 17, tzinfo=UTC)
    row = db.session.scalar(db.select(CalendarDay).where(CalendarDay.day == date(2026, 12, 29)))
    services.remove_calendar_day(row)
    db.session.commit()
    assert _due(christmas_eve) == datetime(2026, 12, 30, 17, tzinfo=UTC)


def test_office_hours_and_cut_off_are_settings(app):
    received = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    assert _due(received, "employer-support") == datetime(2026, 11, 25, 17, tzinfo=UTC)
    services.set_office_hours(time(8, 0), time(17, 0), time(15, 0))
    db.session.commit()
    assert _due(received, "employer-support") == datetime(2026, 11, 26, 17, tzinfo=UTC)


def test_target_changes_add_a_version(app):
    first = services.current_policy()
    assert first.targets["query"] == 3
    second = services.change_targets({"query": 2}, "Faster replies")
    db.session.commit()
    assert second.id != first.id
    assert services.current_policy().id == second.id
    assert services.promises_for(first)["query"].target == 3
    assert services.current_promises()["query"].target == 2
    assert db.session.scalar(db.select(db.func.count(PolicyVersion.id))) == 2


def test_phone_lines_state_in_words(app):
    assert services.phone_lines_text(datetime(2026, 11, 25, 10, tzinfo=UTC)) == (
        "Phone lines open until 5pm"
    )
    assert services.phone_lines_text(datetime(2026, 11, 27, 18, tzinfo=UTC)) == (
        "Phone lines open at 9am on Monday 30 November"
    )


def test_charter_page_lists_every_promise_and_the_phone_lines(client):
    with time_machine.travel(datetime(2026, 11, 28, 12, tzinfo=UTC), tick=False):
        page = client.get("/charter").get_data(as_text=True)
    for code in (
        "callback",
        "query",
        "complaint",
        "feedback",
        "membership-application",
        "membership-upgrade",
        "employer-support",
        "centre-approval",
        "centre-support",
        "certificate",
        "claim-check",
        "amendment",
        "appeal",
        "appeal-decision",
        "renewal-reminder",
    ):
        assert f'id="promise-{code}"' in page
    assert "within 3 working days" in page
    assert "Phone lines open at 9am on Monday 30 November" in page


def test_footer_shows_phone_lines_on_every_page(client):
    with time_machine.travel(datetime(2026, 11, 25, 10, tzinfo=UTC), tick=False):
        page = client.get("/").get_data(as_text=True)
    assert "Phone lines open until 5pm" in page


def test_charter_page_shows_changed_targets(app, client):
    services.change_targets({"centre-support": 1}, "Quicker centre replies")
    db.session.commit()
    page = client.get("/charter").get_data(as_text=True)
    assert "within 1 working day" in page


def test_admin_adds_and_removes_a_closure_day(admin_client):
    response = admin_client.post(
        "/admin/calendar",
        data={
            "day-day": "2026-12-01",
            "day-kind": "closure",
            "day-reason": "Office move",
            "day-submit": "Add to the calendar",
        },
    )
    assert response.status_code == 302
    page = admin_client.get("/admin/calendar").get_data(as_text=True)
    assert "Tuesday 1 December 2026" in page and "Office move" in page
    row = db.session.scalar(db.select(CalendarDay))
    response = admin_client.post(f"/admin/calendar/{row.id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(CalendarDay)) is None


def test_admin_calendar_form_errors_keep_what_was_typed(admin_client):
    response = admin_client.post(
        "/admin/calendar",
        data={
            "day-day": "not a date",
            "day-kind": "closure",
            "day-reason": "Office move",
            "day-submit": "Add to the calendar",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'value="Office move"' in page


def test_admin_office_hours_must_make_sense(admin_client):
    response = admin_client.post(
        "/admin/calendar",
        data={
            "hours-office_open": "17:00",
            "hours-office_close": "09:00",
            "hours-same_day_cutoff": "16:00",
            "hours-at_risk_hours": "4",
            "hours-update_every_days": "5",
            "hours-submit": "Save office hours",
        },
    )
    assert "The office must close after it opens." in response.get_data(as_text=True)


def test_admin_saves_targets_as_a_new_version(admin_client):
    page = admin_client.get("/admin/promises").get_data(as_text=True)
    assert 'name="target_query" type="number" value="3"' in page or 'value="3"' in page
    data = {
        f"target_{code.replace('-', '_')}": str(target)
        for code, target in services.current_policy().targets.items()
    }
    db.session.commit()
    data.update({"target_query": "2", "note": "Pilot of faster replies"})
    response = admin_client.post("/admin/promises", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert services.current_policy().targets["query"] == 2
    bad = dict(data, target_query="-1")
    response = admin_client.post("/admin/promises", data=bad)
    assert "Enter a whole number from 0 to 60." in response.get_data(as_text=True)


def test_only_admins_reach_the_settings(staff_client):
    assert staff_client.get("/admin/calendar").status_code == 403
    assert staff_client.get("/admin/promises").status_code == 403


def test_rules_are_reused_for_a_few_seconds_and_own_changes_apply_at_once(app):
    from flask import g

    app.config["CALENDAR_CACHE_SECONDS"] = 60
    assert _due() == datetime(2026, 12, 2, 17, tzinfo=UTC)
    # Another process's change (written straight to the table) waits for the cache to age...
    db.session.add(CalendarDay(day=date(2026, 11, 30), kind="closure", reason="Elsewhere"))
    db.session.commit()
    assert _due() == datetime(2026, 12, 2, 17, tzinfo=UTC)
    # ...while a change made through the settings in this process applies at once.
    services.add_calendar_day(date(2026, 12, 1), "closure", "Here")
    db.session.commit()
    g.pop("_portal_calendar", None)
    assert _due() == datetime(2026, 12, 4, 17, tzinfo=UTC)
