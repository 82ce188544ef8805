"""The renewal-reminders job (CHARTER.md section 4, renewal-reminder)."""

from __future__ import annotations

from datetime import datetime

from portal.notify.renewals import queue_renewal_reminders


def renewal_reminders(now: datetime) -> str:
    """Queue the renewal reminders due as of ``now``; daily, and at start-up to catch up."""
    return f"queued {queue_renewal_reminders(now)} renewal reminders"
