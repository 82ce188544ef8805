"""Completions and certificates: recording, CSV upload, sign-off, posting and the tracker
(CHARTER.md section 4, ``certificate``)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from portal.approvals.services import CentreError
from portal.certificates import csv_import
from portal.certificates import services as completions
from portal.certificates.models import Completion
from portal.extensions import db
from tests.approvals.helpers import make_centre_user, make_completion, make_qualification
from tests.factories import make_user

SIGNED_OFF = datetime(2026, 12, 10, 11, 0, tzinfo=UTC)  # Thursday 10 December 2026, 11am
DISPATCH_DUE = datetime(2027, 1, 5, 17, 0, tzinfo=UTC)  # CHARTER §8 worked example
LATER = datetime(2027, 1, 20, 12, tzinfo=UTC)


@pytest.fixture
def centre(app):
    qualification = make_qualification("CSC-301", title="Diploma in Customer Service")
    other = make_qualification("TLM-301", title="Team Leading")
    make_qualification("NOT-999", title="Not approved here")
    user = make_centre_user(qualifications=[qualification, other])
    db.session.commit()
    return user, qualification, other


def _count() -> int:
    return db.session.scalar(select(func.count(Completion.id)))


# -- one at a time --------------------------------------------------------------------------


def test_recording_one_completion(centre):
    user, qualification, _ = centre
    completion = completions.record_completion(
        user.organisation,
        user,
        learner_name="  Amira   Hassan ",
        learner_ref="Amira.Hassan@Example.com",
        qualification_id=qualification.id,
        completed_on=date(2026, 11, 2),
        assessment_signed_off=True,
    )
    assert completion.learner_name == "Amira Hassan"
    assert completion.learner_ref == "amira.hassan@example.com"
    assert completion.status == "recorded"
    with pytest.raises(CentreError, match="already recorded"):
        completions.record_completion(
            user.organisation,
            user,
            learner_name="Amira Hassan",
            learner_ref="amira.hassan@example.com",
            qualification_id=qualification.id,
            completed_on=date(2026, 11, 2),
            assessment_signed_off=True,
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"assessment_signed_off": False}, "fully signed off"),
        ({"completed_on": date(2999, 1, 1)}, "in the future"),
        ({"learner_ref": "not an@email"}, "right format"),
        ({"learner_ref": "bad<id>"}, "identifier"),
        ({"learner_name": ""}, "Enter the learner's name."),
    ],
)
def test_recording_refuses_what_cannot_be_certified(centre, changes, message):
    user, qualification, _ = centre
    values = {
        "learner_name": "Amira Hassan",
        "learner_ref": "RC-1",
        "qualification_id": qualification.id,
        "completed_on": date(2026, 11, 2),
        "assessment_signed_off": True,
        **changes,
    }
    with pytest.raises(CentreError, match=message):
        completions.record_completion(user.organisation, user, **values)


def test_the_database_itself_refuses_duplicates_and_unsigned_assessments(centre):
    user, qualification, _ = centre
    make_completion(user, qualification, learner_ref="X-1", completed_on=date(2026, 1, 1))
    db.session.commit()
    with pytest.raises(Exception, match="(?i)unique"):
        make_completion(user, qualification, learner_ref="X-1", completed_on=date(2026, 1, 1))
    db.session.rollback()
    with pytest.raises(Exception, match="(?i)check"):
        make_completion(user, qualification, assessment_signed_off=False)
    db.session.rollback()


def test_the_form_records_a_completion_and_keeps_input_on_errors(app, centre, sign_in):
    user, qualification, _ = centre
    client = app.test_client()
    sign_in(client, user)
    data = {
        "learner_name": "Amira Hassan",
        "learner_ref": "RC-77",
        "qualification": str(qualification.id),
        "completed_on": "2026-11-02",
    }
    response = client.post("/centre/learners/new", data=data)
    page = response.get_data(as_text=True)
    assert "Confirm that assessment is fully signed off" in page
    assert 'value="Amira Hassan"' in page
    response = client.post("/centre/learners/new", data={**data, "assessment_signed_off": "y"})
    assert response.status_code == 302
    assert _count() == 1
    # A qualification the centre is not approved for is not even offered.
    assert "Not approved here" not in client.get("/centre/learners/new").get_data(as_text=True)


# -- CSV upload ---------------------------------------------------------------------------------


def _csv(rows, header=csv_import.CSV_TEMPLATE_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def test_upload_keeps_good_rows_and_reports_each_bad_one_by_line(centre):
    user, _, _ = centre
    data = _csv(
        [
            ["Amira Hassan", "amira@example.com", "CSC-301", "2026-11-02", "yes"],  # line 2
            ["", "RC-2", "CSC-301", "2026-11-02", "yes"],  # line 3
            ["Liam O'Neill", "RC-3", "csc-301", "02/11/2026", "Yes"],  # line 4
            ["Bad Date", "RC-4", "CSC-301", "31/02/2026", "yes"],  # line 5
            ["Unsigned", "RC-5", "CSC-301", "2026-11-02", "no"],  # line 6
            ["Elsewhere", "RC-6", "NOT-999", "2026-11-02", "yes"],  # line 7
            ["Nowhere", "RC-7", "XYZ-000", "2026-11-02", "yes"],  # line 8
            ["Again", "AMIRA@example.com", "CSC-301", "2026-11-02", "yes"],  # line 9
            ["Future", "RC-9", "TLM-301", "2999-01-01", "yes"],  # line 10
        ]
    )
    result = csv_import.import_completions_csv(user.organisation, user, data)
    assert result.rows == 9
    assert result.accepted == 2
    assert [(p.line, p.reason) for p in result.rejected] == [
        (3, "Enter the learner's name."),
        (5, "Enter the completion date as YYYY-MM-DD or DD/MM/YYYY (got '31/02/2026')."),
        (6, "Assessment must be fully signed off (write yes) before recording."),
        (7, "Your centre is not approved for qualification NOT-999."),
        (8, "There is no qualification with the code XYZ-000."),
        (9, "The same learner, qualification and date are already on line 2."),
        (10, "The completion date cannot be in the future."),
    ]
    assert _count() == 2
    liam = db.session.scalar(select(Completion).where(Completion.learner_ref == "RC-3"))
    assert liam.completed_on == date(2026, 11, 2)
    assert liam.source == "csv"


def test_uploading_the_same_file_again_adds_nobody(centre):
    user, _, _ = centre
    data = _csv([["Amira Hassan", "amira@example.com", "CSC-301", "2026-11-02", "yes"]])
    first = csv_import.import_completions_csv(user.organisation, user, data)
    db.session.commit()
    second = csv_import.import_completions_csv(user.organisation, user, data)
    db.session.commit()
    assert (first.accepted, second.accepted, second.already_recorded) == (1, 0, 1)
    assert _count() == 1


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(centre):
    user, _, _ = centre
    data = (
        b"learner_name,learner_email_or_identifier,qualification_code,completion_date,"
        b"assessment_signed_off\r\n"
        b"\r\n"
        b'"Two\nLines",RC-1,CSC-301,2026-11-02,yes\r\n'
        b"No Date,RC-2,CSC-301,,yes\r\n"
    )
    result = csv_import.import_completions_csv(user.organisation, user, data)
    assert result.accepted == 1
    assert [(p.line, p.learner) for p in result.rejected] == [(5, "No Date")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"name,email\nA,b@c.d\n", "Missing: qualification_code, completion_date"),
        ("learner_name\nZoë".encode("latin-1"), "CSV UTF-8"),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(centre, data, message):
    user, _, _ = centre
    with pytest.raises(CentreError, match=message):
        csv_import.import_completions_csv(user.organisation, user, data)


def test_the_upload_page_reports_rejected_rows(app, centre, sign_in):
    user, _, _ = centre
    client = app.test_client()
    sign_in(client, user)
    data = _csv(
        [
            ["Amira Hassan", "amira@example.com", "CSC-301", "2026-11-02", "yes"],
            ["Bad Row", "RC-2", "CSC-301", "yesterday", "yes"],
        ]
    )
    response = client.post(
        "/centre/learners/upload",
        data={"file": (io.BytesIO(data), "learners.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "<strong>1</strong> learner added." in page
    assert "<td>3</td><td>Bad Row</td>" in page
    empty = client.post("/centre/learners/upload", data={}, content_type="multipart/form-data")
    assert "Choose a CSV file to upload." in empty.get_data(as_text=True)
    template = client.get("/centre/learners/template.csv")
    assert template.get_data(as_text=True).startswith(",".join(csv_import.CSV_TEMPLATE_HEADER))


def test_an_unapproved_centre_cannot_record_completions(app, sign_in):
    user = make_centre_user(approved=False)
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    for path in (
        "/centre/learners",
        "/centre/learners/new",
        "/centre/learners/upload",
        "/centre/learners.csv",
    ):
        assert client.get(path).status_code == 403
    with pytest.raises(CentreError, match="approved"):
        csv_import.import_completions_csv(user.organisation, user, b"x")


# -- sign-off, printing and posting -------------------------------------------------------------


def test_sign_off_starts_the_certificate_clock(centre):
    user, qualification, _ = centre
    staff = make_user("staff")
    completion = make_completion(user, qualification)
    assert completions.sign_off([completion], staff, now=SIGNED_OFF) == 1
    assert completion.status == "signed_off"
    assert completion.dispatch_due_at == DISPATCH_DUE
    assert completion.certificate_number == f"CERT-{completion.id:07d}"
    assert completion.policy_version_id is not None
    # Signing off twice changes nothing.
    assert completions.sign_off([completion], staff) == 0
    assert completion.dispatch_due_at == DISPATCH_DUE


def test_a_certificate_moves_from_print_to_post_with_its_arrival_window(centre):
    user, qualification, _ = centre
    completion = make_completion(user, qualification)
    completions.sign_off([completion], make_user("staff"), now=SIGNED_OFF)
    # It cannot be posted before it is printed.
    assert completions.mark_dispatched([completion], "uk-first") == 0
    assert completions.mark_printed([completion]) == 1
    posted_at = datetime(2026, 12, 31, 15, 0, tzinfo=UTC)  # Thursday; Friday 1 Jan is a holiday
    assert completions.mark_dispatched([completion], "uk-second", "KF1GB", now=posted_at) == 1
    # Postal days: the post runs on Saturday 2 January (CHARTER.md section 9).
    assert (completion.arrival_from, completion.arrival_to) == (date(2027, 1, 4), date(2027, 1, 5))
    assert completions.arrival_text(completion) == (
        "between Monday 4 January and Tuesday 5 January"
    )
    assert completion.tracking_reference == "KF1GB"
    with pytest.raises(CentreError, match="postage"):
        completions.mark_dispatched([completion], "pigeon")
    completions.mark_returned(completion, "Addressee unknown")
    assert completion.status == "returned"
    # Sent again after a return.
    assert completions.mark_dispatched([completion], "uk-first") == 1
    assert completion.returned_at is None


def test_staff_sign_off_in_bulk_and_post_one_by_one(app, centre, staff_client):
    user, qualification, _ = centre
    first, second, third = (make_completion(user, qualification) for _ in range(3))
    db.session.commit()
    page = staff_client.get("/staff/centres/certificates").get_data(as_text=True)
    assert first.learner_name in page
    nothing = staff_client.post(
        "/staff/centres/certificates/bulk?status=recorded", data={"action": "sign_off"}
    )
    assert "Tick at least one learner." in nothing.get_data(as_text=True)
    response = staff_client.post(
        "/staff/centres/certificates/bulk?status=recorded",
        data={"action": "sign_off", "ids": [str(first.id), str(second.id)]},
        follow_redirects=True,
    )
    assert "2 certificates signed off." in response.get_data(as_text=True)
    url = f"/staff/centres/certificates/{first.id}"
    assert staff_client.post(f"{url}/printed").status_code == 302
    bad = staff_client.post(f"{url}/dispatch", data={"postage_class": "pigeon"})
    assert "Not a valid choice" in bad.get_data(as_text=True)
    staff_client.post(f"{url}/dispatch", data={"postage_class": "uk-first"})
    staff_client.post(
        f"/staff/centres/certificates/{third.id}/reject", data={"reason": "No evidence."}
    )
    db.session.expire_all()
    assert db.session.get(Completion, first.id).status == "dispatched"
    assert db.session.get(Completion, second.id).status == "signed_off"
    assert db.session.get(Completion, third.id).rejected_reason == "No evidence."
    assert staff_client.post(f"{url}/unknown").status_code == 404


# -- the centre's tracker -------------------------------------------------------------------------


@pytest.fixture
def tracker(app, centre, sign_in):
    user, qualification, other = centre
    staff = make_user("staff")
    overdue = make_completion(user, qualification, learner_name="Olivia Overdue")
    completions.sign_off([overdue], staff, now=SIGNED_OFF)
    posted = make_completion(user, other, learner_name="Percy Posted", learner_ref="p@x.test")
    completions.sign_off([posted], staff, now=SIGNED_OFF)
    completions.mark_printed([posted])
    completions.mark_dispatched([posted], "uk-first", now=datetime(2026, 12, 14, 10, tzinfo=UTC))
    for n in range(60):
        make_completion(user, qualification, learner_name=f"Waiting {n:02d}")
    db.session.commit()
    # Weeks after the certificate fell due; the session must be signed in "then" too.
    with time_machine.travel(LATER, tick=False):
        client = app.test_client()
        sign_in(client, user)
        yield client, user, overdue, posted


def test_the_tracker_pages_by_keyset_and_shows_due_dates(tracker):
    client, _user, overdue, _posted = tracker
    with time_machine.travel(LATER, tick=False):
        first = client.get("/centre/learners").get_data(as_text=True)
        assert "62 learners match in all." in first
        assert "Waiting 59" in first and "Waiting 09" not in first
        next_link = first.split('href="/centre/learners?after=')[1].split('"')[0]
        second = client.get(f"/centre/learners?after={next_link}").get_data(as_text=True)
    assert "Waiting 09" in second and "Waiting 59" not in second
    assert "Olivia Overdue" in second
    assert "Overdue</strong>" in second
    assert "5pm on Tuesday 5 January 2027" in second
    assert "Next page" not in second


def test_the_tracker_filters_and_searches(tracker):
    client, _user, overdue, posted = tracker
    with time_machine.travel(LATER, tick=False):
        page = client.get("/centre/learners?overdue=y").get_data(as_text=True)
        assert "1 learner matches." in page and "Olivia Overdue" in page
        page = client.get("/centre/learners?status=dispatched").get_data(as_text=True)
        assert "Percy Posted" in page
        assert "between Tuesday 15 December and Wednesday 16 December" in page
        page = client.get(f"/centre/learners?qualification={posted.qualification_id}")
        assert "1 learner matches." in page.get_data(as_text=True)
        page = client.get("/centre/learners?q=waiting 0").get_data(as_text=True)
        assert "10 learners match." in page
        page = client.get("/centre/learners?q=P@X.TEST").get_data(as_text=True)
        assert "Percy Posted" in page
        page = client.get("/centre/learners?q=100%25").get_data(as_text=True)
        assert "No learners match these filters." in page
        bad = client.get("/centre/learners?status=bogus&qualification=999").get_data(as_text=True)
        assert "There is a problem" in bad and "62 learners match" in bad


def test_the_export_follows_the_filters(tracker):
    client, _user, overdue, posted = tracker
    with time_machine.travel(LATER, tick=False):
        response = client.get("/centre/learners.csv?overdue=y")
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["learner_name"] for r in rows] == ["Olivia Overdue"]
    assert rows[0]["overdue"] == "yes"
    assert rows[0]["dispatch_due"] == "2027-01-05 17:00"
    everything = list(
        csv.DictReader(io.StringIO(client.get("/centre/learners.csv").get_data(as_text=True)))
    )
    assert len(everything) == 62
    percy = next(r for r in everything if r["learner_name"] == "Percy Posted")
    assert (percy["expected_arrival_from"], percy["expected_arrival_to"]) == (
        "2026-12-15",
        "2026-12-16",
    )


def test_the_export_neutralises_spreadsheet_formulas(app, centre, sign_in):
    user, qualification, _ = centre
    make_completion(user, qualification, learner_name='=HYPERLINK("http://x")')
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    body = client.get("/centre/learners.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_dashboard_counts_overdue_certificates(tracker):
    client, *_ = tracker
    with time_machine.travel(LATER, tick=False):
        page = client.get("/centre/").get_data(as_text=True)
    # The figure links to the same filter on the tracker, which lists exactly that many.
    assert 'href="/centre/learners?overdue=y">1<span class="visually-hidden"> overdue' in page
    with time_machine.travel(LATER, tick=False):
        listed = client.get("/centre/learners?overdue=y").get_data(as_text=True)
    assert "1 learner matches" in listed and "There is a problem" not in listed


# -- issue 15: filters from the address, rows with extra columns -----------------------------


def test_a_row_with_extra_columns_says_so(centre):
    user, _, _ = centre
    data = (b"learner_name,learner_email_or_identifier,qualification_code,completion_date,"
            b"assessment_signed_off\n"
            b"Hassan, Amira,amira@example.com,CSC-301,2026-11-02,yes\n"
            b"Liam O'Neill,RC-3,CSC-301,2026-11-02,yes,,\n")
    result = csv_import.import_completions_csv(user.organisation, user, data)
    assert result.accepted == 1  # trailing empty cells are not extra columns
    [problem] = result.rejected
    assert problem.line == 2
    assert problem.reason.startswith("This line has 6 columns but the first line names 5.")
    assert "no qualification" not in problem.reason


def test_the_tracker_opens_without_errors_and_reads_its_filters(tracker):
    client, _user, _overdue, _posted = tracker
    with time_machine.travel(LATER, tick=False):
        page = client.get("/centre/learners").get_data(as_text=True)
        assert "There is a problem" not in page and "Not a valid choice" not in page
        posted = client.get("/centre/learners?status=posted").get_data(as_text=True)
        assert "1 learner matches." in posted and "Percy Posted" in posted
        assert '<option selected value="dispatched">' in posted
        preparing = client.get("/centre/learners?status=preparing").get_data(as_text=True)
        assert "1 learner matches." in preparing and "Olivia Overdue" in preparing
        dashboard = client.get("/centre/").get_data(as_text=True)
        for link in ("status=recorded", "status=preparing", "status=dispatched", "overdue=y"):
            assert f'href="/centre/learners?{link}"' in dashboard
