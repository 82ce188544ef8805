"""Who may see or change a centre's application and its documents (ASVS V8.2; the engine is
``portal.security.policy``): the centre's own contacts; staff once the application is sent."""

from __future__ import annotations

from portal.approvals.models import CentreApplication, CentreDocument
from portal.security.policy import STAFF, rule


def centre_contact(user, organisation_id: int) -> bool:
    """A contact of this learning centre."""
    return user.role == "centre" and user.organisation_id == organisation_id


@rule(CentreApplication, "view")
@rule(CentreApplication, "change")
def _centre_application(user, application: CentreApplication) -> bool:
    if user.role in STAFF:
        # A draft is the centre's own until they send it.
        return application.status != "draft"
    return centre_contact(user, application.organisation_id)


@rule(CentreDocument, "view")
def _centre_document(user, document: CentreDocument) -> bool:
    if user.role in STAFF:
        return document.application.status != "draft"
    return centre_contact(user, document.organisation_id)


@rule(CentreDocument, "change")
def _change_centre_document(user, document: CentreDocument) -> bool:
    # Only the centre adds or removes its documents (while the application is editable).
    return centre_contact(user, document.organisation_id)
