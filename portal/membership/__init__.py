"""What the body sends its members because they are members: renewal reminders four weeks
before the renewal date (CHARTER.md sections 3 and 4) and the news they opted in to. Both
go through the outbox in ``portal.notify``."""
