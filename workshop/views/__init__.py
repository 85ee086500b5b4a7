"""Blueprints: thin HTTP views that parse input, call one service, render or redirect."""

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from workshop import vocabulary
from workshop.extensions import db, login_manager
from workshop.i18n import LANGUAGE_NAMES
from workshop.views import (
    access,
    admin,
    api,
    auth,
    converters,
    fc,
    field,
    headers,
    kitting,
    labels,
    overview,
    passport,
    printing,
    review,
    scan,
    stock,
    stock_admin,
    units,
)
from workshop.views.form_reading import FormReadingRequest

# Error pages by status; the API answers the same errors in JSON (in English, for tools).
ERROR_PAGES = {code: f"errors/{code}.html" for code in (400, 403, 404, 405, 413)}


def register_blueprints(app: Flask) -> None:
    app.request_class = FormReadingRequest
    converters.register(app)
    headers.init_app(app)
    access.init_login(login_manager)
    access.init_idle_logout(app)
    for blueprint in (
        auth.bp,
        scan.bp,
        units.bp,
        review.bp,
        admin.bp,
        api.bp,
        printing.bp,
        labels.bp,
        fc.bp,
        stock.bp,
        stock_admin.bp,
        kitting.bp,
        field.bp,
        passport.bp,
        overview.bp,
    ):
        app.register_blueprint(blueprint)

    @app.context_processor
    def vocabulary_in_templates() -> dict:
        return {
            "STAGE_NAMES": vocabulary.STAGE_NAMES,
            "STATUS_NAMES": vocabulary.STATUS_NAMES,
            "REASON_NAMES": vocabulary.REASON_NAMES,
            "ROLE_NAMES": vocabulary.ROLE_NAMES,
            "AUDIT_NAMES": vocabulary.AUDIT_NAMES,
            "JOB_STATE_NAMES": vocabulary.JOB_STATE_NAMES,
            "FIELD_FAILURE_NAMES": vocabulary.FIELD_FAILURE_NAMES,
            "LOSS_REASON_NAMES": vocabulary.LOSS_REASON_NAMES,
            "RETURN_OUTCOME_NAMES": vocabulary.RETURN_OUTCOME_NAMES,
            "FIELD_STATUS_NAMES": vocabulary.FIELD_STATUS_NAMES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "menu": access.menu_for(current_user),
            "current_locale": str(get_locale()),
            "scan_key_gap_ms": app.config["SCAN_KEY_GAP_MS"],
            "language_return_path": auth.return_path,
        }

    for code, template in ERROR_PAGES.items():
        app.register_error_handler(code, _error_page(code, template))
    app.register_error_handler(500, _server_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_page(code: int, template: str):
    def handler(error: HTTPException) -> Any:
        # A 405 names the methods the address does take, as HTTP asks.
        allow = (
            {"Allow": ", ".join(error.valid_methods)}
            if isinstance(error, MethodNotAllowed) and error.valid_methods
            else {}
        )
        if _wants_json():
            return jsonify(error=error.name.lower()), code, allow
        return render_template(template, error=error), code, allow

    return handler


def _server_error(_error: Exception) -> Any:
    """A bug: undo the request's unfinished work and say so plainly, in the person's language."""
    db.session.rollback()  # Flask has logged the exception already
    if _wants_json():
        return jsonify(error="internal server error"), 500
    try:
        return render_template("errors/500.html"), 500
    except Exception:  # noqa: BLE001 - the page itself failed (the database is gone?): plain words
        plain = {"Content-Type": "text/plain; charset=utf-8"}
        return "Internal server error / Внутрішня помилка сервера", 500, plain
