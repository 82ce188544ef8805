"""Demonstration data: the demo sign-ins and enough people and organisations to explore.

``flask demo seed`` calls :func:`seed`; ``flask demo accounts`` and ``flask demo code`` read
the published sign-ins below. Never loaded in production (``portal.cli`` refuses).
Idempotent: each account is created only if its email is not already registered.
"""

from __future__ import annotations

import random

from sqlalchemy import select

from portal.accounts.models import User
from portal.demo.centres import seed_centres
from portal.demo.history import seed_teams
from portal.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_people
from portal.demo.requests import seed_member_requests, seed_queue
from portal.extensions import db
from portal.help.files import DEFAULT_FOLDER, import_folder
from portal.settings.models import ContactDetails

#: Sample contact details for the footer (an administrator changes them at /admin/contact-details).
DEMO_CONTACT = {
    "phone": "0300 123 4567",
    "email": "help@example.org",
    "postal_address": "Member Services\n1 Example Street\nLondon\nEC1A 1AA",
}


def seed_contact_details() -> None:
    """The footer's sample phone, email and address, unless an administrator has set them."""
    if db.session.get(ContactDetails, 1) is None:
        db.session.add(ContactDetails(id=1, **DEMO_CONTACT))
        db.session.flush()


__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DEMO_TOTP_SECRET", "seed"]


def seed() -> int:
    """Load the demo data; returns how many accounts were created (0 when already there)."""
    seed_contact_details()
    if db.session.scalar(select(User.id).where(User.email == DEMO_ACCOUNTS[0][0])):
        # Databases seeded before the centres' data (or the help articles) existed get it now.
        import_folder(DEFAULT_FOLDER)
        return seed_centres()
    rng = random.Random(2026)  # the same demo every time it is loaded
    people = seed_people(rng)
    seed_member_requests(people.member, people.applicant, people.support)
    seed_queue(rng)
    seed_teams()
    import_folder(DEFAULT_FOLDER)  # the help centre's articles, from content/help/
    return people.created + seed_centres()
