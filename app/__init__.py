"""The D'Youth portal: `create_app` builds the Flask application."""

from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from config import Config, ProductionConfig, config_from_env


def create_app(config: type[Config] | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    config = config or config_from_env()
    if issubclass(config, ProductionConfig):
        config.check()
    app.config.from_object(config)
    app.config.update(overrides or {})
    from app.core.security import trust_proxies

    trust_proxies(app)  # X-Forwarded-For/-Proto only from TRUSTED_PROXIES proxies; never the Host
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    _register_plumbing(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app.core.i18n import select_locale, select_timezone
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    from app.core.locking import init_write_transactions

    init_write_transactions(app)  # first, so that a writing request's first statement already holds the lock
    migrate.init_app(
        app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True, compare_type=True, user_module_prefix="core_db.",
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    from app.core.pagecache import init_page_cache

    init_page_cache(app, db)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"

    from sqlalchemy.orm import joinedload

    from app import models  # noqa: F401  (every model registered on the metadata)
    from app.accounts.models import User

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # "<id>:<session version>" (User.get_id): a session or remember-me cookie issued before the version was
        # raised (logout, new password, "log out everywhere") is refused.
        user_id, _, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        # One query for the user and the roles every page's permission checks and menu read (not two).
        user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
        return user if user is not None and user.session_version == int(version) else None


def _register_blueprints(app: Flask) -> None:
    from app.accounts import home  # noqa: F401  (adds the home pages to the accounts blueprint)
    from app.accounts.routes import bp as accounts_bp
    from app.audit.routes import bp as audit_bp
    from app.cohorts.routes import bp as cohorts_bp
    from app.core.converters import register_converters
    from app.core.routes import bp as core_bp
    from app.exports.routes import bp as exports_bp
    from app.festival.routes import bp as festival_bp
    from app.mentoring.routes import bp as mentoring_bp
    from app.payments.routes import bp as payments_bp
    from app.privacy.routes import bp as privacy_bp
    from app.site.routes import bp as site_bp
    from app.staff.routes import bp as staff_bp
    from app.stalls.routes import bp as stalls_bp

    register_converters(app)  # before the rules are added: `<int:…>` ids fit the id columns
    for blueprint in (core_bp, site_bp, accounts_bp, staff_bp, festival_bp, stalls_bp, payments_bp, cohorts_bp,
                      mentoring_bp, audit_bp, privacy_bp, exports_bp):
        app.register_blueprint(blueprint)


def _register_plumbing(app: Flask) -> None:
    from app.accounts.cli import register_accounts_cli
    from app.core.cli import register_core_cli
    from app.core.errors import register_error_handlers
    from app.core.i18n import register_template_helpers
    from app.core.permissions import require_login_by_default
    from app.core.security import add_security_headers
    from app.demo import register_demo_cli
    from app.stalls.cli import register_stalls_cli

    register_error_handlers(app)
    register_template_helpers(app)
    require_login_by_default(app)
    add_security_headers(app)
    register_core_cli(app)
    register_accounts_cli(app)
    register_demo_cli(app)
    from app.payments.cli import register_payments_cli

    register_payments_cli(app)
    register_stalls_cli(app)
    from app.cohorts.cli import register_cohorts_cli
    from app.mentoring.cli import register_mentoring_cli

    register_cohorts_cli(app)
    register_mentoring_cli(app)
    from app.privacy.cli import register_privacy_cli

    register_privacy_cli(app)
