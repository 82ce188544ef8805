"""No number or date in a query string gives a 500 (issue #14, finding 7). The test walks the
URL map and sends every GET route, as the person it is for, absurd values for every query
parameter the portal reads, so a new page that reads one without bounds fails here."""

from __future__ import annotations

import pytest

from portal.extensions import db
from tests.approvals.helpers import make_centre_user

pytestmark = pytest.mark.asvs(chapter="V2")

#: Every query parameter name the portal's pages read (grep request.args, and the search
#: forms' field names); a new one belongs here.
PARAMETERS = (
    "page", "after", "before", "from", "to", "centre", "status", "q", "part", "template",
    "person", "year", "period", "start", "end", "day", "week", "month", "qualification",
    "kind", "assignee", "sort", "action", "address", "organisation", "role", "promise",
)
HOSTILE = (
    "9" * 30,
    "-" + "9" * 30,
    "9999-12-31",
    "0001-01-01",
    "1e308",
    "２０２６-01-01",
)
PREFIX_ROLE = {
    "/admin": "admin",
    "/staff": "staff",
    "/centre": "centre",
    "/member": "member",
    "/employer": "employer",
}


def _sample(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        values[name] = 1 if converter == "IntegerConverter" else "x"
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def clients(app, signed_in_as, sign_in):
    found = {role: signed_in_as(role)[0] for role in ("admin", "staff", "member", "employer")}
    centre = make_centre_user(approved=True)
    db.session.commit()
    found["centre"] = app.test_client()
    sign_in(found["centre"], centre)
    found["anyone"] = app.test_client()
    return found


DATE_PARAMETERS = ("from", "to", "day", "start", "end", "before", "after")


def _status(client, url: str) -> int | str:
    try:
        response = client.get(url)
    except Exception as exc:  # noqa: BLE001 - the testing app lets a 500's cause through
        return f"{type(exc).__name__}: {exc}"[:120]
    response.close()
    return response.status_code


def _requests(path: str, has_arguments: bool):
    """All parameters at once for each hostile value; then, on pages of their own (where a
    parameter refused early cannot hide a later one), each parameter alone."""
    for value in HOSTILE:
        yield f"{path}?" + "&".join(f"{name}={value}" for name in PARAMETERS)
    if has_arguments:
        return
    for name in PARAMETERS:
        yield f"{path}?{name}={HOSTILE[0]}"
    for name in DATE_PARAMETERS:
        yield f"{path}?{name}=9999-12-31"


def test_no_get_route_answers_500_to_out_of_range_numbers_or_dates(app, clients):
    failures = []
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = _sample(rule)
        role = next((r for p, r in PREFIX_ROLE.items() if path.startswith(p)), "anyone")
        for url in _requests(path, bool(rule.arguments)):
            status = _status(clients[role], url)
            checked += 1
            if not isinstance(status, int) or status >= 500:
                failures.append(f"{url} -> {status}")
    assert checked > 500
    assert failures == [], "\n".join(f[:60] + " ... " + f[-90:] for f in failures)
