"""What an employer contact's dashboard shows: who looks after them now, and their
organisation's open support requests (CHARTER.md section 4, employer support)."""

from __future__ import annotations

from portal.accounts.absences import support_cover
from portal.accounts.models import Organisation
from portal.requests.queries import organisation_requests

#: The dashboard lists this many open requests; the requests page lists them all.
DASHBOARD_REQUESTS = 5


def dashboard(organisation: Organisation | None) -> dict:
    """The support contact's cover (or their deputy's while they are away) and the soonest
    due open requests; nothing for a contact not yet linked to an organisation."""
    if organisation is None:
        return {"organisation": None, "cover": None, "open_requests": []}
    return {
        "organisation": organisation,
        "cover": support_cover(organisation),
        "open_requests": organisation_requests(
            organisation.id, open_only=True, limit=DASHBOARD_REQUESTS
        ),
    }
