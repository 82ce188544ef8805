"""Learning centres' process support enquiries (CHARTER §4 centre-support: 2 working days)."""

from __future__ import annotations

from portal.centre import bp
from portal.requests import organisation as org_requests
from portal.requests.forms import CentreSupportForm

# Centre enquiries go to the team's queue, not to one person.
org_requests.add_routes(bp, "centre", CentreSupportForm, route_to=lambda user: None)
