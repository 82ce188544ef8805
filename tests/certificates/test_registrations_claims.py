"""Registrations, claims and their sign-off routes, upload reports with their rejects, and
e-certificates with verification codes (issue 20)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from portal.approvals.services import CentreError
from portal.certificates import claims, ecert, registrations, uploads
from portal.certificates import services as completions
from portal.certificates.models import CertificateCode, Registration, UploadReport
from portal.extensions import db
from tests.approvals.helpers import make_centre_user, make_qualification
from tests.factories import make_user

CLAIMED = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # Monday 30 November 2026, 10am
HEADER = "learner_name,learner_email_or_identifier,qualification_code,start_date\n"


@pytest.fixture
def centre(app):
    qualification = make_qualification("CSC-301", title="Diploma in Customer Service")
    user = make_centre_user(qualifications=[qualification])
    db.session.commit()
    return user, qualification


def _register(user, qualification, ref="AO-1"):
    return registrations.register_learner(
        user.organisation, user, learner_name="Ann One", learner_ref=ref,
        qualification_id=qualification.id, started_on=date(2026, 9, 1))


def test_registering_once_per_learner_and_qualification(centre):
    user, qualification = centre
    made = _register(user, qualification, "ao-1")
    assert made.learner_ref == "AO-1"
    with pytest.raises(CentreError, match="already registered"):
        _register(user, qualification, "AO-1")


def test_upload_keeps_good_rows_and_returns_rejects_with_reasons(centre):
    user, qualification = centre
    data = (HEADER + "Ann One,AO-1,CSC-301,2026-09-01\n"
            "Bob Two,BT-2,CSC-301,01/09/2026\n"
            '"=HYPERLINK(""x"")",EV-3,NOPE-1,2026-09-01\n'
            "Cat Three,CT-3,CSC-301,someday\n").encode("utf-8-sig")
    report, result = uploads.upload("registrations", user.organisation, user, "a.csv", data)
    assert (result.accepted, len(result.rejected)) == (2, 2)
    rows = list(csv.reader(io.StringIO(report.rejects_csv)))
    assert rows[0] == ["learner_name", "learner_email_or_identifier", "qualification_code",
                       "start_date", "reason", "line"]
    assert rows[1][0].startswith("'=")  # formula defused
    assert "no qualification with the code NOPE-1" in rows[1][4]
    assert rows[2][4].startswith("Enter the start date") and rows[2][5] == "5"
    # The same file again adds nobody twice.
    _report, again = uploads.upload("registrations", user.organisation, user, "a.csv", data)
    assert (again.accepted, again.already_recorded) == (0, 2)
    assert db.session.scalar(select(func.count(Registration.id))) == 2


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe" + HEADER.encode("utf-16-le"), "not a plain CSV file in UTF-8"),
    (HEADER.encode() + b"Ann,AO-1,CSC-301,2026-09-01\nNul\x00row,X,CSC-301,2026-09-01\n",
     "not a plain CSV file in UTF-8"),
    (HEADER.encode() + b'"Ann,AO-1,CSC-301,2026-09-01\n', "not a plain CSV"),
    (b"", "empty"),
    (b"name,email\nAnn,a@example.com\n", "Missing"),
])
def test_a_malformed_file_stores_nothing(centre, data, message):
    user, _qualification = centre
    with pytest.raises(CentreError, match=message):
        uploads.upload("registrations", user.organisation, user, "bad.csv", data)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert db.session.scalar(select(func.count(UploadReport.id))) == 0


def test_quoted_newlines_and_byte_order_mark_are_read(centre):
    user, _qualification = centre
    data = ("\ufeff" + HEADER + '"Ann\nOne",AO-1,CSC-301,2026-09-01\n').encode()
    _report, result = uploads.upload("registrations", user.organisation, user, "a.csv", data)
    assert result.accepted == 1 and not result.rejected


def test_external_claim_carries_the_check_promise_then_certificate_clock(centre):
    user, qualification = centre
    registration = _register(user, qualification)
    with time_machine.travel(CLAIMED, tick=False):
        claim = claims.claim(registration, user, claim_kind="unit", units="U1, U2",
                             completed_on=date(2026, 11, 20), assessment_signed_off=True)
        # CHARTER §9: checked within 5 working days: 5pm on Monday 7 December.
        assert claims.check_wording(claim, CLAIMED) == (
            "Our check: due by 5pm on Monday 7 December 2026.")
        assert claim.claim_label == "Unit certificate (U1, U2)"
        staff = make_user("staff")
        completions.sign_off([claim], staff, CLAIMED)
    assert claims.check_wording(claim, CLAIMED).startswith("Signed off by us on Monday 30")
    assert claims.post_wording(claim, CLAIMED) == (
        "Certificate posted by 5pm on Monday 21 December 2026.")
    assert ecert.current_code(claim) is not None


def test_a_missed_check_says_so(centre):
    user, qualification = centre
    registration = _register(user, qualification)
    with time_machine.travel(CLAIMED, tick=False):
        claim = claims.claim(registration, user, claim_kind="full", units="",
                             completed_on=date(2026, 11, 20), assessment_signed_off=True)
    later = datetime(2026, 12, 8, 9, tzinfo=UTC)
    assert claim.check_is_overdue(later)
    assert "missed it. We are sorry" in claims.check_wording(claim, later)


def test_direct_route_signs_off_at_the_claim(centre):
    user, qualification = centre
    staff = make_user("staff")
    claims.set_sign_off_route(user.organisation, qualification.id, "direct", staff)
    registration = _register(user, qualification)
    with time_machine.travel(CLAIMED, tick=False):
        claim = claims.claim(registration, user, claim_kind="full", units="",
                             completed_on=date(2026, 11, 20), assessment_signed_off=True)
    assert claim.status == "signed_off" and claim.check_due_at is None
    assert claims.check_wording(claim, CLAIMED).startswith("Signed off by your centre")
    with pytest.raises(CentreError, match="already been claimed"):
        claims.claim(registration, user, claim_kind="full", units="",
                     completed_on=date(2026, 11, 21), assessment_signed_off=True)


def test_a_unit_claim_names_its_units(centre):
    user, qualification = centre
    registration = _register(user, qualification)
    with pytest.raises(CentreError, match="Name the units"):
        claims.claim(registration, user, claim_kind="unit", units=" ",
                     completed_on=date(2026, 11, 20), assessment_signed_off=True)


def test_reissue_supersedes_the_old_code(centre):
    user, qualification = centre
    registration = _register(user, qualification)
    claim = claims.claim(registration, user, claim_kind="full", units="",
                         completed_on=date(2026, 11, 20), assessment_signed_off=True)
    staff = make_user("staff")
    completions.sign_off([claim], staff)
    old = ecert.current_code(claim)
    new = ecert.reissue(claim, staff, "Name corrected", learner_name="Ann Onee")
    assert not old.is_current and old.superseded_reason == "Name corrected"
    assert ecert.lookup(new.code.lower().replace("-", " ")) == new
    assert ecert.replacement_of(old) == new
    assert claim.learner_name == "Ann Onee"
    pdf = ecert.certificate_pdf(claim, new, "http://localhost/verify/certificate/" + new.code)
    assert pdf.startswith(b"%PDF")
    assert db.session.scalar(select(func.count(CertificateCode.id))) == 2


def test_pages_and_verification(app, centre, sign_in):
    user, qualification = centre
    registration = _register(user, qualification)
    claim = claims.claim(registration, user, claim_kind="full", units="",
                         completed_on=date(2026, 11, 20), assessment_signed_off=True)
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    page = client.get(f"/centre/registered/{registration.id}").get_data(as_text=True)
    assert "Our check: due by" in page
    state = client.get(f"/centre/registered/{registration.id}/state.json")
    assert state.json["status"] == "recorded"
    assert client.get(f"/centre/registered/{registration.id}/state.json",
                      headers={"If-None-Match": state.headers["ETag"]}).status_code == 304
    completions.sign_off([claim], make_user("staff"))
    db.session.commit()
    assert "Certificate posted by" in client.get(
        f"/centre/registered/{registration.id}/state.json").json["post"]
    pdf = client.get(f"/centre/learners/{claim.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    code = ecert.current_code(claim).code
    visitor = app.test_client()
    assert "This certificate is genuine" in visitor.get(
        f"/verify/certificate/{code}").get_data(as_text=True)
    assert visitor.get("/verify/certificate/NOPE-NOPE-NOPE").status_code == 404
    assert visitor.get("/verify/certificate?code=%00%ff").status_code < 500
    # Another centre's learner looks missing.
    other = make_centre_user(qualifications=[qualification])
    db.session.commit()
    stranger = app.test_client()
    sign_in(stranger, other)
    assert stranger.get(f"/centre/registered/{registration.id}").status_code == 404
    assert stranger.get(f"/centre/learners/{claim.id}/certificate.pdf").status_code == 404


def test_learner_list_search_and_count(centre, monkeypatch):
    user, qualification = centre
    for n in range(4):
        registrations.register_learner(
            user.organisation, user, learner_name=f"Ann {n}", learner_ref=f"AO-{n}",
            qualification_id=qualification.id, started_on=date(2026, 9, 1))
    rows, _next, total = registrations.learner_page(user.organisation_id, search="ao-1")
    assert total == 1 and rows[0].registration.learner_ref == "AO-1"
    rows, _next, total = registrations.learner_page(user.organisation_id, search="Ann")
    assert total == 4 and [r.registration.learner_ref for r in rows][0] == "AO-3"
    monkeypatch.setattr(registrations, "COUNT_CAP", 2)
    _rows, _next, total = registrations.learner_page(user.organisation_id)
    assert total == 3  # "more than 2"
    rows, next_after, _total = registrations.learner_page(user.organisation_id, limit=3)
    assert len(rows) == 3 and next_after == rows[-1].registration.id


def test_the_single_completion_form_also_dates_our_check(centre):
    user, qualification = centre
    with time_machine.travel(CLAIMED, tick=False):
        completion = completions.record_completion(
            user.organisation, user, learner_name="Zed", learner_ref="Z-1",
            qualification_id=qualification.id, completed_on=date(2026, 11, 20),
            assessment_signed_off=True)
    assert completion.check_due_at == datetime(2026, 12, 7, 17, tzinfo=UTC)


def test_checking_codes_is_rate_limited(app):
    from portal.extensions import limiter

    app.config["RATELIMIT_ENABLED"] = True
    limiter.reset()  # counts from other tests in this process do not carry over
    visitor = app.test_client()
    answers = [visitor.get(f"/verify/certificate/AAAA-BBBB-{n:04d}").status_code
               for n in range(31)]
    assert set(answers[:30]) == {404} and answers[30] == 429
