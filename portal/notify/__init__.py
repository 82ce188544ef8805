"""Email: the outbox every message goes through, the sender that empties it, status emails,
renewal reminders and news opt-ins. Its one page, the public one-click unsubscribe, is
``portal.visitor.unsubscribe``."""
