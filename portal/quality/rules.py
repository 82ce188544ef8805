"""Who may see or change a quality visit and its actions (ASVS V8.2; the engine is
``portal.security.policy``): staff, and the visited centre's own contacts."""

from __future__ import annotations

from portal.approvals.rules import centre_contact
from portal.quality.models import QualityAction, QualityVisit
from portal.security.policy import STAFF, rule


@rule(QualityVisit, "view")
@rule(QualityAction, "view")
@rule(QualityAction, "change")
def _quality(user, thing) -> bool:
    return user.role in STAFF or centre_contact(user, thing.organisation_id)


@rule(QualityVisit, "change")
def _change_visit(user, visit: QualityVisit) -> bool:
    return user.role in STAFF
