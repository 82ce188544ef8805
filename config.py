"""Configuration classes, read from the environment.

`PORTAL_CONFIG` chooses one: ``development`` (the default), ``testing`` or ``production``.
Production refuses to start without ``SECRET_KEY`` and ``DATABASE_URL``: a portal that
signs sessions with a guessable key, or quietly writes members' data to a local file,
is worse than one that does not start.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _development_secret() -> str:
    """A random key kept in instance/, so no secret lives in the repository and sessions
    survive a restart of the development server."""
    import secrets

    path = INSTANCE_DIR / "dev-secret-key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class ConfigError(RuntimeError):
    """Raised when a configuration cannot safely be used."""


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Uploads are capped here so Werkzeug refuses an oversize body before reading it.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024 + 256 * 1024
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))

    # Sessions (see docs/SECURITY.md when it lands).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Mail. Without MAIL_SERVER, messages stay in the outbox and admins read them in
    # the portal's development mailbox (/admin/mail) instead of them being sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Member Services <help@portal.example>"
    )
    # Flask-Mail sets no timeouts; the sender (portal/notify/sender.py) applies these.
    MAIL_CONNECT_TIMEOUT = _int("MAIL_CONNECT_TIMEOUT", 10)
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 30)  # read timeout for each SMTP reply
    MAIL_BATCH_SIZE = _int("MAIL_BATCH_SIZE", 100)  # messages per SMTP connection
    # A claimed message is the sender's until this runs out; then another sender may take it.
    MAIL_SEND_LEASE_SECONDS = _int("MAIL_SEND_LEASE_SECONDS", 300)
    MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 8)
    MAIL_RETRY_BASE_SECONDS = _int("MAIL_RETRY_BASE_SECONDS", 60)  # doubles each attempt
    MAIL_RETRY_MAX_SECONDS = _int("MAIL_RETRY_MAX_SECONDS", 6 * 3600)

    # The worker (flask worker): one active scheduler across instances, the others standby.
    WORKER_POLL_SECONDS = _int("WORKER_POLL_SECONDS", 10)  # standby checks / leader renews
    WORKER_LEASE_SECONDS = _int("WORKER_LEASE_SECONDS", 45)  # lease row (SQLite) lifetime
    OUTBOX_SEND_SECONDS = _int("OUTBOX_SEND_SECONDS", 30)  # how often the sender runs
    RENEWAL_REMINDER_HOUR = _int("RENEWAL_REMINDER_HOUR", 7)  # London time, daily

    # Absolute address used in emails, since mail is built outside any request.
    PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")

    # Password hashing cost (argon2id). Tests lower it; production keeps the library defaults.
    ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _int("ARGON2_MEMORY_COST", 65536)

    EMAIL_VERIFY_HOURS = 48
    PASSWORD_RESET_MINUTES = 60

    MEMBER_GRADES = (
        ("affiliate", "Affiliate"),
        ("associate", "Associate Member"),
        ("member", "Member"),
        ("fellow", "Fellow"),
    )

    @classmethod
    def validate(cls) -> None:
        """Refuse settings that are unsafe for this environment."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False  # the debugger is opt-in: FLASK_DEBUG=1

    @classmethod
    def validate(cls) -> None:
        if not cls.SECRET_KEY:
            cls.SECRET_KEY = _development_secret()


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105 - only ever signs test sessions
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_SERVER = ""
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    PORTAL_BASE_URL = "http://localhost"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                "Production needs these environment variables set: " + ", ".join(missing)
            )
        if len(os.environ["SECRET_KEY"]) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production.")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[Config]:
    """Return the config class named by ``name`` or by ``PORTAL_CONFIG``."""
    name = (name or os.environ.get("PORTAL_CONFIG") or "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"Unknown PORTAL_CONFIG {name!r}; use one of: {', '.join(CONFIGS)}"
        ) from None
