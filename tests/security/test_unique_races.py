"""Two saves of one unique value at the same moment give the form's "already exists", never
an error page (issue #14, finding 9). Real concurrency: two threads, each with its own
session and connection, on SQLite and (with TEST_DATABASE_URL) PostgreSQL.

The first saves and holds its transaction open; the second, lined up on a barrier, checks
for the value (it cannot see the uncommitted row, so the check passes, as in a real race)
and inserts; the database's unique constraint holds it until the first commits, then
refuses it. The service must turn that refusal into its own message.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts import services as accounts
from portal.accounts.models import Organisation, User
from portal.accounts.sign_in import register_member
from portal.approvals.services import CentreError
from portal.certificates import services as completions
from portal.certificates.models import Completion
from portal.extensions import db
from tests.approvals.helpers import make_centre_user, make_qualification

pytestmark = pytest.mark.asvs(chapter="V2")


def _race(app, first, second) -> dict:
    barrier = threading.Barrier(2, timeout=30)
    out: dict = {}

    def run_first():
        with app.app_context():
            try:
                first()
                barrier.wait()
                time.sleep(0.5)  # the second is now waiting on our row
                db.session.commit()
                out["first"] = "saved"
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                out["first"] = exc
                barrier.abort()
            finally:
                db.session.remove()

    def run_second():
        with app.app_context():
            try:
                barrier.wait()
                second()
                db.session.commit()
                out["second"] = "saved"
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                out["second"] = exc
            finally:
                db.session.rollback()
                db.session.remove()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_organisations_saved_with_one_reference_at_once(app):
    def save():
        accounts.save_organisation(None, kind="centre", name="Bright", reference="CEN-7")

    out = _race(app, save, save)
    assert out["first"] == "saved"
    assert isinstance(out["second"], accounts.AccountError), out["second"]
    assert "already has this reference" in str(out["second"])
    assert _count(Organisation, Organisation.reference == "CEN-7") == 1


def test_two_staff_accounts_made_with_one_email_at_once(app):
    def make():
        accounts.create_staff_user("Sam Staff", "sam@example.test", "staff")

    out = _race(app, make, make)
    assert out["first"] == "saved"
    assert isinstance(out["second"], accounts.AccountError), out["second"]
    assert _count(User, User.email == "sam@example.test") == 1


def test_two_registrations_of_one_address_at_once(app):
    def register():
        register_member("Ada Lovelace", "ada@example.test", "lantern orbit plum kettle")

    out = _race(app, register, register)
    assert out == {"first": "saved", "second": "saved"}  # the second is told nothing
    assert _count(User, User.email == "ada@example.test") == 1


def test_one_learner_recorded_twice_at_once(app):
    qualification = make_qualification("CSC-301")
    user = make_centre_user(qualifications=[qualification])
    db.session.commit()
    user_id, qualification_id = user.id, qualification.id

    def record():
        me = db.session.get(User, user_id)
        completions.record_completion(
            me.organisation, me, learner_name="Amira Hassan", learner_ref="A-1",
            qualification_id=qualification_id, completed_on=date(2026, 11, 2),
            assessment_signed_off=True,
        )

    out = _race(app, record, record)
    assert out["first"] == "saved"
    assert isinstance(out["second"], CentreError), out["second"]
    assert "already recorded this learner" in str(out["second"])
    assert _count(Completion) == 1


def test_six_admins_saving_one_reference_at_once_see_no_error_page(app, signed_in_as):
    admins = [signed_in_as("admin")[0] for _ in range(6)]
    barrier = threading.Barrier(6, timeout=30)
    statuses: list = []

    def post(client, n):
        barrier.wait()
        try:
            response = client.post("/admin/organisations/new", data={
                "kind": "centre", "name": f"Centre {n}", "reference": "SAME-1",
                "support_contact": "0", "deputy_contact": "0",
            })
            statuses.append(response.status_code)
            if response.status_code == 200:
                assert "Another organisation already has this reference" in response.get_data(
                    as_text=True
                )
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            statuses.append(f"{type(exc).__name__}: {exc}"[:200])

    threads = [threading.Thread(target=post, args=(c, n)) for n, c in enumerate(admins)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(map(str, statuses)) == ["200"] * 5 + ["302"], statuses
    assert _count(Organisation, Organisation.reference == "SAME-1") == 1
