"""The workshop build tracker: a Flask app that follows each drone from kit to handover."""

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from workshop import commands, database
from workshop.durable import write_durably
from workshop.extensions import babel, csrf, db, login_manager, migrate
from workshop.i18n import compile_missing_catalogs, select_locale
from workshop.views import register_blueprints

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    # WORKSHOP_INSTANCE_PATH moves the database, photos and secret key elsewhere: for the tests,
    # or to a USB disk.
    instance_env = os.environ.get("WORKSHOP_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=str(Path(instance_env).resolve()) if instance_env else None,
    )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)

    url = os.environ.get("DATABASE_URL") or database.sqlite_url(instance / "workshop.sqlite")
    app.config.from_mapping(
        SECRET_KEY=_secret_key(instance),
        SQLALCHEMY_DATABASE_URI=url,
        PHOTO_DIR=str(instance / "photos"),
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="uk",
        # Times are stored in UTC and shown on the workshop's clock.
        BABEL_DEFAULT_TIMEZONE=os.environ.get("WORKSHOP_TIMEZONE", "Europe/Kyiv"),
        LANGUAGES=("uk", "en"),
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # a bench page may stay open all shift
        PIN_HASH_METHOD="scrypt",
        # A shared tablet left alone logs out; WORKSHOP_IDLE_MINUTES fits it to the bench.
        IDLE_LOGOUT_MINUTES=int(os.environ.get("WORKSHOP_IDLE_MINUTES", "60")),
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    Path(app.config["PHOTO_DIR"]).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    compile_missing_catalogs(Path(app.root_path) / "translations")
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    database.init_engine(app)

    commands.register(app)
    register_blueprints(app)
    return app


def _secret_key(instance: Path) -> str:
    """A per-installation key kept in the instance folder, so sessions survive a restart."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        new_key = secrets.token_hex(32).encode("ascii")
        write_durably(path, lambda file: file.write(new_key))
        path.chmod(0o600)  # the owner only, where the file system knows owners
    return path.read_text(encoding="ascii").strip()
