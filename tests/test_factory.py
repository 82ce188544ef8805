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
    with pytest.raises(ConfigError, match="at least 32"):
        create_app("production")


def test_production_starts_with_secrets(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/portal")
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
