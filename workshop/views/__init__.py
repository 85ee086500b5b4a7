"""Blueprints: thin HTTP views that parse input, call one service, render or redirect."""

from flask import Flask, render_template
from flask_babel import get_locale

from workshop import vocabulary
from workshop.extensions import login_manager
from workshop.i18n import LANGUAGE_NAMES
from workshop.views import access, admin, api, auth, bench, review, units


def register_blueprints(app: Flask) -> None:
    access.init_login(login_manager)
    for blueprint in (auth.bp, bench.bp, units.bp, review.bp, admin.bp, api.bp):
        app.register_blueprint(blueprint)

    @app.context_processor
    def vocabulary_in_templates() -> dict:
        return {
            "STAGE_NAMES": vocabulary.STAGE_NAMES,
            "STATUS_NAMES": vocabulary.STATUS_NAMES,
            "REASON_NAMES": vocabulary.REASON_NAMES,
            "ROLE_NAMES": vocabulary.ROLE_NAMES,
            "NEXT_STEP": vocabulary.NEXT_STEP,
            "AUDIT_NAMES": vocabulary.AUDIT_NAMES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "current_locale": str(get_locale()),
        }

    @app.errorhandler(404)
    def not_found(_error: Exception) -> tuple[str, int]:
        return render_template("errors/404.html"), 404

    @app.errorhandler(403)
    def forbidden(_error: Exception) -> tuple[str, int]:
        return render_template("errors/403.html"), 403

    @app.errorhandler(400)
    def bad_request(error: Exception) -> tuple[str, int]:
        return render_template("errors/400.html", error=error), 400

    @app.errorhandler(413)
    def too_large(_error: Exception) -> tuple[str, int]:
        return render_template("errors/413.html"), 413
