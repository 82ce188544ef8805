"""The member services portal: ``create_app`` builds a configured Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Config, get_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | type[Config] | dict | None = None) -> Flask:
    """Build the app. ``config`` is a config name, a config class, or a dict of overrides
    applied on top of the testing config (handy in tests)."""
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    overrides: dict = {}
    if isinstance(config, dict):
        overrides = config
        config_class = get_config(overrides.pop("PORTAL_CONFIG", "testing"))
    elif isinstance(config, type):
        config_class = config
    else:
        config_class = get_config(config)
    config_class.validate()
    app.config.from_object(config_class)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    register_transactions(app)
    register_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    import portal.registry  # noqa: F401 - every area's tables, access rules and data parts
    from portal.extensions import csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from portal.accounts.sessions import load_user

    login_manager.user_loader(load_user)

    from portal.accounts.passwords import prepare_dummy_hash

    prepare_dummy_hash(app)


def register_transactions(app: Flask) -> None:
    from portal.transactions import register

    register(app)


def register_security(app: Flask) -> None:
    from portal.security import headers, inputs, logs

    headers.register(app)
    inputs.register(app)
    logs.register(app)


def register_blueprints(app: Flask) -> None:
    from portal import admin, auth, centre, employer, member, payments, staff, visitor
    from portal.help import bp as help_centre

    for module in (visitor, auth, member, employer, centre, staff, admin, payments):
        app.register_blueprint(module.bp)
    app.register_blueprint(help_centre)
    from portal.security.logs import learn_routes

    learn_routes(app)  # now that every route is known: redact those carrying a token


def register_errorhandlers(app: Flask) -> None:
    from portal.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from portal.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from portal.cli import register

    register(app)
