"""Who may see or change a learner's completion and certificate (ASVS V8.2; the engine is
``portal.security.policy``): the centre's own contacts and staff."""

from __future__ import annotations

from portal.approvals.rules import centre_contact
from portal.certificates.models import Completion
from portal.security.policy import STAFF, rule


@rule(Completion, "view")
@rule(Completion, "change")
def _completion(user, completion: Completion) -> bool:
    return user.role in STAFF or centre_contact(user, completion.organisation_id)
