"""Fixtures: a real SMTP server on loopback."""

from tests.smtp_server import mail_config, smtp  # noqa: F401
