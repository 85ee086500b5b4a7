"""The workshop build tracker: a Flask app that follows each drone from kit to handover."""

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from workshop import commands, config, database
from workshop.durable import write_durably
from workshop.extensions import babel, csrf, db, login_manager, migrate
from workshop.i18n import compile_missing_catalogs, select_locale
from workshop.views import register_blueprints

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app, configured from the environment (`workshop.config`) and then `test_config`."""
    settings = config.from_environment(os.environ)
    instance_path = settings["INSTANCE_PATH"]
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
    )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)

    app.config.from_mapping(settings)
    app.config.from_mapping(
        SECRET_KEY=settings["SECRET_KEY"] or _secret_key(instance),
        SQLALCHEMY_DATABASE_URI=settings["DATABASE_URL"]
        or database.sqlite_url(instance / "workshop.sqlite"),
        PHOTO_DIR=str(instance / "photos"),
        BACKUP_DIR=str(Path(settings["BACKUP_DIR"] or instance / "backups").resolve()),
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
    path = instance / "secret_key"
    if not path.exists():
        new_key = secrets.token_hex(32).encode("ascii")
        write_durably(path, lambda file: file.write(new_key))
        path.chmod(0o600)  # the owner only, where the file system knows owners
    return path.read_text(encoding="ascii").strip()
