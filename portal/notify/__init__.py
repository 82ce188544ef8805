"""Email: the outbox every message goes through, and the sender that empties it."""
