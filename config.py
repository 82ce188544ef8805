"""Configuration classes, read from the environment.

`PORTAL_CONFIG` chooses one: ``development`` (the default), ``testing`` or ``production``.
Production refuses to start without ``SECRET_KEY`` and ``DATABASE_URL``: a portal that
signs sessions with a guessable key, or quietly writes members' data to a local file,
is worse than one that does not start.
"""

from __future__ import annotations

import os
from datetime import timedelta
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


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


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
    # Every signed-in session is also a row in user_session (portal/auth/sessions.py), which
    # enforces these limits on the server whatever the cookie says. Staff and administrators
    # see every customer's data, so their idle limit is shorter and they cannot stay signed in.
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 120)
    SESSION_IDLE_MINUTES_STAFF = _int("SESSION_IDLE_MINUTES_STAFF", 30)
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    REMEMBER_DAYS = 14  # "keep me signed in": members and organisation contacts only
    PERMANENT_SESSION_LIFETIME = timedelta(days=REMEMBER_DAYS)
    # A step-up check (password, and code when two-factor is on) is asked again before
    # changing the password, email or two-factor settings if the last one is older than this.
    RECENT_AUTH_MINUTES = 10

    # Sign-in abuse (docs/SECURITY.md, V6.1.1). Growing delays per account and per address
    # (portal/security/throttle.py) keep their counters in Redis when REDIS_URL is set, else
    # in the database. Flask-Limiter adds a flat per-address ceiling on top, in Redis too
    # when it is there; without Redis its counters are per process, a coarse flood guard.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # A Redis that hangs must not hang sign-in: give up on it within a second and fall back
    # (portal/extensions.py for the limiter, portal/security/throttle.py for the throttle).
    REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "1"))
    RATELIMIT_STORAGE_OPTIONS = {
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
    }
    # Off: its Retry-After would overwrite the precise one the growing delays send.
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "30 per minute")
    EMAIL_RATE_LIMIT = os.environ.get("EMAIL_RATE_LIMIT", "10 per hour")  # forgot, register
    SIGN_IN_THROTTLE_ENABLED = True
    # The public contact forms email whatever address is typed (issue #14): limited per
    # client address and, separately, per address emailed.
    CONTACT_RATE_LIMIT = os.environ.get("CONTACT_RATE_LIMIT", "5 per minute;20 per hour")
    CONTACT_RECIPIENT_RATE_LIMIT = os.environ.get("CONTACT_RECIPIENT_RATE_LIMIT", "5 per hour")

    # Behind a reverse proxy, set these to the number of proxies that set each header, so
    # request.remote_addr (throttling, audit) and the scheme are the client's. Leave them 0
    # when the app is reached directly: trusting headers nobody sets lets clients forge them.
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 0)
    PROXY_FIX_X_PROTO = _int("PROXY_FIX_X_PROTO", 0)
    PROXY_FIX_X_HOST = _int("PROXY_FIX_X_HOST", 0)
    # Host names the portal answers to (comma-separated); others get 400. Empty: any.
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS") or None
    # Strict-Transport-Security max-age; production sets a year (V3.4.1).
    HSTS_SECONDS = 0

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

    # The text of a sent email is kept this many days (for checking what a customer was
    # told), then removed by the purge-sent-mail job; who, what subject and when stay.
    OUTBOX_BODY_RETENTION_DAYS = _int("OUTBOX_BODY_RETENTION_DAYS", 30)
    # The admin mailbox shows whole email bodies only in development; elsewhere it shows
    # them with every token link blanked, so an admin session cannot take over accounts.
    MAILBOX_SHOWS_SECRETS = False

    # The worker (flask worker): one active scheduler across instances, the others standby.
    WORKER_POLL_SECONDS = _int("WORKER_POLL_SECONDS", 10)  # standby checks / leader renews
    WORKER_LEASE_SECONDS = _int("WORKER_LEASE_SECONDS", 45)  # lease row (SQLite) lifetime
    OUTBOX_SEND_SECONDS = _int("OUTBOX_SEND_SECONDS", 30)  # how often the sender runs
    RENEWAL_REMINDER_HOUR = _int("RENEWAL_REMINDER_HOUR", 7)  # London time, daily

    # Shared mailboxes for alerts about work nobody is assigned yet (charter watch) and for
    # the daily certificates digest.
    STAFF_TEAM_EMAIL = os.environ.get("STAFF_TEAM_EMAIL", "member.services@portal.example")
    CERTIFICATES_TEAM_EMAIL = os.environ.get(
        "CERTIFICATES_TEAM_EMAIL", "certificates@portal.example"
    )

    # Absolute address used in emails, since mail is built outside any request.
    PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")

    # Password hashing cost (argon2id). Tests lower it; production keeps the library defaults.
    ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _int("ARGON2_MEMORY_COST", 65536)

    # Inbound email (docs/INBOUND.md). INBOUND_MAILBOXES is a JSON list of mailboxes, read
    # from the environment only, so no mailbox password is ever written in a file here.
    INBOUND_MAILBOXES = os.environ.get("INBOUND_MAILBOXES", "")
    INBOUND_PROCESSED_FOLDER = os.environ.get("INBOUND_PROCESSED_FOLDER", "Processed")
    INBOUND_ATTENTION_FOLDER = os.environ.get("INBOUND_ATTENTION_FOLDER", "Needs attention")
    INBOUND_BATCH = _int("INBOUND_BATCH", 50)  # messages per mailbox per run
    INBOUND_TIMEOUT = _int("INBOUND_TIMEOUT", 30)  # seconds per IMAP operation
    INBOUND_MAX_MESSAGE_BYTES = _int("INBOUND_MAX_MESSAGE_BYTES", 40 * 1024 * 1024)
    INBOUND_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # the same cap as uploads
    # Acknowledgements per sender per hour; past it we stay quiet, so two robots cannot
    # keep mailing each other through us.
    INBOUND_ACK_LIMIT_PER_HOUR = _int("INBOUND_ACK_LIMIT_PER_HOUR", 3)
    # Domains our own Message-IDs use (comma-separated); empty means MAIL_DEFAULT_SENDER's.
    INBOUND_OWN_DOMAINS = os.environ.get("INBOUND_OWN_DOMAINS", "")
    # The authserv-id(s) our own receiving mail server writes in Authentication-Results
    # (comma separated). Only its verdict (DMARC pass, or aligned DKIM or SPF) makes a sender
    # verified; unverified mail never joins a request or an account (portal/inbound/trust.py).
    INBOUND_TRUSTED_AUTHSERV_ID = os.environ.get("INBOUND_TRUSTED_AUTHSERV_ID", "")
    # Where replies about a request go, as a plus-address with the request's token
    # (help+r12.<token>@...); empty means MAIL_DEFAULT_SENDER's address.
    REPLY_TO_ADDRESS = os.environ.get("REPLY_TO_ADDRESS", "")
    # "package.module:factory" giving the RequestGateway, unless the app registers one.
    INBOUND_GATEWAY = os.environ.get(
        "INBOUND_GATEWAY", "portal.requests.inbound_gateway:PortalRequestGateway"
    )

    # How long each process may reuse the calendar rules (office hours, closures) before
    # reading them again; an admin's change reaches every process within this time.
    CALENDAR_CACHE_SECONDS = _int("CALENDAR_CACHE_SECONDS", 5)

    EMAIL_VERIFY_HOURS = 48
    PASSWORD_RESET_MINUTES = 60

    MEMBER_GRADES = (
        ("affiliate", "Affiliate"),
        ("associate", "Associate Member"),
        ("member", "Member"),
        ("fellow", "Fellow"),
    )

    # Payments (docs/PAYMENTS.md). Keys come from the environment only; a provider without
    # its keys cannot be switched on. ``*_API_BASE`` points a library at another address
    # (the tests' stand-in for the provider); empty means the provider's own.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    GOCARDLESS_ACCESS_TOKEN = os.environ.get("GOCARDLESS_ACCESS_TOKEN", "")
    GOCARDLESS_WEBHOOK_SECRET = os.environ.get("GOCARDLESS_WEBHOOK_SECRET", "")
    GOCARDLESS_ENVIRONMENT = os.environ.get("GOCARDLESS_ENVIRONMENT", "sandbox")
    GOCARDLESS_API_BASE = os.environ.get("GOCARDLESS_API_BASE", "")
    PAYMENT_TIMEOUT_SECONDS = _int("PAYMENT_TIMEOUT_SECONDS", 10)
    # The demo provider takes no money; it is never offered in production.
    PAYMENTS_DEMO_ALLOWED = True
    DEMO_PAYMENT_SECRET = os.environ.get("DEMO_PAYMENT_SECRET", "demo-only-not-a-secret")

    @classmethod
    def validate(cls) -> None:
        """Refuse settings that are unsafe for this environment."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False  # the debugger is opt-in: FLASK_DEBUG=1
    MAILBOX_SHOWS_SECRETS = True  # no mail is sent: the links are only readable here

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
    CALENDAR_CACHE_SECONDS = 0  # tests check that a change applies at once
    PORTAL_BASE_URL = "http://localhost"
    INBOUND_MAILBOXES = ""  # a test names its own mailboxes; never the developer's
    INBOUND_TRUSTED_AUTHSERV_ID = "mx.portal.test"  # tests/inbound/mail.py writes its verdicts
    REDIS_URL = ""
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    ENV_NAME = "production"
    # __Host-: sent only over HTTPS, only to this exact host, for the whole site (V3.3.3).
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    REMEMBER_COOKIE_NAME = "__Host-remember"
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = 365 * 24 * 3600
    PREFERRED_URL_SCHEME = "https"
    PAYMENTS_DEMO_ALLOWED = False

    @classmethod
    def validate(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                "Production needs these environment variables set: " + ", ".join(missing)
            )
        if len(os.environ["SECRET_KEY"]) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
        cls.PORTAL_BASE_URL, cls.TRUSTED_HOSTS = _public_address()
        # Read now rather than at import, so the values checked are the values used.
        cls.SECRET_KEY = os.environ["SECRET_KEY"]
        cls.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        cls.REDIS_URL = os.environ.get("REDIS_URL", "")
        cls.RATELIMIT_STORAGE_URI = cls.REDIS_URL or "memory://"


_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _public_address() -> tuple[str, list[str]]:
    """PORTAL_BASE_URL and TRUSTED_HOSTS as production needs them (issue #14).

    Emails are built outside any request, so their links come from PORTAL_BASE_URL: without
    it they would point at a development address. It must be ``https://`` (plain http only
    on this machine's loopback, for a load bench). Without a list of host names the portal
    would answer to any ``Host`` header; the base URL's host must be one of them.
    """
    from urllib.parse import urlsplit

    base = os.environ.get("PORTAL_BASE_URL", "").strip().rstrip("/")
    hosts = _list("TRUSTED_HOSTS")
    parts = urlsplit(base)
    if not base or not parts.hostname:
        raise ConfigError("Production needs PORTAL_BASE_URL, the portal's public https:// address.")
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        raise ConfigError(f"PORTAL_BASE_URL must start with https:// in production, not {base!r}.")
    if not hosts:
        raise ConfigError(
            "Production needs TRUSTED_HOSTS, the host names the portal answers to "
            "(comma separated); requests for any other host get 400."
        )
    if parts.hostname not in hosts:
        raise ConfigError(
            f"PORTAL_BASE_URL's host {parts.hostname!r} is not in TRUSTED_HOSTS "
            f"({', '.join(hosts)})."
        )
    return base, hosts


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
