"""ASVS 5.0 V8.2: one policy decides who may see or change each object; default deny."""

import pytest

from portal.accounts.models import Membership, Organisation
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.security import policy
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.asvs(chapter="V8")


@pytest.fixture
def people(app):
    org = make_organisation("employer")
    people = {
        "owner": make_user("member"),
        "other_member": make_user("member"),
        "org_contact": make_user("employer", organisation=org),
        "other_org_contact": make_user("employer"),
        "staff": make_user("staff"),
        "admin": make_user("admin"),
    }
    db.session.commit()
    return people, org


MEMBERSHIP_VIEW = {"owner", "staff", "admin"}
ORG_VIEW = {"org_contact", "staff", "admin"}


@pytest.mark.parametrize(
    "who", ["owner", "other_member", "org_contact", "other_org_contact", "staff", "admin"]
)
def test_v8_2_2_object_rules_matrix(people, who):
    everyone, org = people
    user = everyone[who]
    membership = everyone["owner"].membership
    assert policy.can_view(user, membership) is (who in MEMBERSHIP_VIEW)
    assert policy.can_view(user, org) is (who in ORG_VIEW)
    assert policy.can_change(user, org) is (who in {"staff", "admin"})
    assert policy.can_view(user, everyone["owner"]) is (who in {"owner", "staff", "admin"})
    assert policy.can_change(user, everyone["owner"]) is (who in {"owner", "admin"})


def test_objects_without_a_rule_are_refused(people):
    everyone, _ = people
    assert policy.can(everyone["admin"], "delete", everyone["owner"].membership) is False

    class Unruled:
        id = 1

    assert policy.can_view(everyone["admin"], Unruled()) is False


def test_v8_2_2_and_v16_3_2_get_or_404_refuses_and_logs(app, people):
    everyone, _ = people
    from flask_login import login_user
    from werkzeug.exceptions import NotFound

    membership_id = everyone["owner"].membership.id
    with app.test_request_context("/"):
        login_user(everyone["other_member"])
        with pytest.raises(NotFound):
            policy.get_or_404(Membership, membership_id)
        with pytest.raises(NotFound):
            policy.get_or_404(Organisation, 999_999)
    with app.test_request_context("/"):
        login_user(everyone["owner"])
        assert policy.get_or_404(Membership, membership_id).id == membership_id
    denied = db.session.query(AuditEntry).filter_by(action="access.denied").all()
    assert len(denied) == 1 and denied[0].actor_id == everyone["other_member"].id
