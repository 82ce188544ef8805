"""The application factory and configuration."""

import pytest

from config import ConfigError
from portal import create_app


def test_testing_config_is_used_for_overrides():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.testing
    assert app.config["ENV_NAME"] == "testing"


def test_development_is_the_default(monkeypatch):
    monkeypatch.delenv("PORTAL_CONFIG", raising=False)
    app = create_app()
    assert app.config["ENV_NAME"] == "development"
    assert not app.testing


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY, DATABASE_URL"):
        create_app("production")


def test_production_refuses_a_short_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/portal")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example")
    monkeypatch.setenv("TRUSTED_HOSTS", "portal.example")
    with pytest.raises(ConfigError, match="at least 32"):
        create_app("production")


def test_production_starts_with_secrets(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/portal")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example")
    monkeypatch.setenv("TRUSTED_HOSTS", "portal.example")
    monkeypatch.setenv("PORTAL_CONFIG", "production")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_unknown_config_name_is_refused():
    with pytest.raises(ConfigError, match="Unknown PORTAL_CONFIG"):
        create_app("staging")


def test_templates_and_static_live_at_the_top_level(app):
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    assert Path(app.template_folder) == root / "templates"
    assert Path(app.static_folder) == root / "static"


@pytest.mark.asvs(chapter="V16")
@pytest.mark.parametrize(
    ("base_url", "hosts", "message"),
    [
        (None, "portal.example", "needs PORTAL_BASE_URL"),
        ("http://portal.example", "portal.example", "must start with https://"),
        ("https://portal.example", None, "needs TRUSTED_HOSTS"),
        ("https://portal.example", "other.example", "is not in TRUSTED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_its_public_address(
    monkeypatch, base_url, hosts, message
):
    """Issue #14, finding 8: emailed links must not point at a development address, and the
    portal must not answer to any Host header."""
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/portal")
    for name, value in (("PORTAL_BASE_URL", base_url), ("TRUSTED_HOSTS", hosts)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app("production")


def test_production_answers_400_to_other_host_names(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example")
    monkeypatch.setenv("TRUSTED_HOSTS", "portal.example")
    app = create_app("production")
    assert app.config["PORTAL_BASE_URL"] == "https://portal.example"
    client = app.test_client()
    assert client.get("/static/css/portal.css", base_url="https://evil.example").status_code == 400
    with client.get("/static/css/portal.css", base_url="https://portal.example") as ours:
        assert ours.status_code == 200


def test_development_and_tests_still_start_without_a_public_address(monkeypatch):
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    monkeypatch.delenv("PORTAL_CONFIG", raising=False)
    assert create_app().config["ENV_NAME"] == "development"
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["ENV_NAME"] == "testing"
