"""The portal's clock: the instant now, and today's date in London (CHARTER.md section 1).

Instants are kept in UTC (:func:`utcnow`, also the columns' default); the day people see and
the day a rule counts from is London's. Everything that asks "what day is it?" asks here, so
a test that travels in time moves every answer at once.
"""

from __future__ import annotations

from datetime import date

from portal.charter import LONDON
from portal.database import utcnow

__all__ = ["LONDON", "london_today", "utcnow"]


def london_today() -> date:
    """Today's date in London."""
    return utcnow().astimezone(LONDON).date()
