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
from portal.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_people
from portal.demo.requests import seed_member_requests, seed_queue
from portal.extensions import db
from portal.help.files import DEFAULT_FOLDER, import_folder

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DEMO_TOTP_SECRET", "seed"]


def seed() -> int:
    """Load the demo data; returns how many accounts were created (0 when already there)."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_ACCOUNTS[0][0])):
        # Databases seeded before the centres' data (or the help articles) existed get it now.
        import_folder(DEFAULT_FOLDER)
        return seed_centres()
    rng = random.Random(2026)  # the same demo every time it is loaded
    people = seed_people(rng)
    seed_member_requests(people.member, people.applicant, people.support)
    seed_queue(rng)
    import_folder(DEFAULT_FOLDER)  # the help centre's articles, from content/help/
    return people.created + seed_centres()
