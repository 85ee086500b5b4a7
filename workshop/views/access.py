"""Who is logged in, and which roles may open a view."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import AnonymousUserMixin, LoginManager, current_user, logout_user

from workshop import workflow
from workshop.extensions import db, login_manager
from workshop.models import User
from workshop.workflow import Action, Role


def init_login(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.login_message = _l("Log in to continue.")
    manager.login_message_category = "info"

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    @manager.unauthorized_handler
    def unauthorized() -> Any:
        if request.path.startswith("/api/"):
            return jsonify(error="login required"), 401
        flash(str(manager.login_message), "info")
        return redirect(url_for("auth.login", next=request.full_path))


@dataclass(frozen=True)
class Menu:
    """The parts of the app the person's role opens, for the page header."""

    review: bool = False
    admin: bool = False


def menu_for(user: User | AnonymousUserMixin) -> Menu:
    if not user.is_authenticated:
        return Menu()
    role = user.role_enum
    return Menu(review=role in workflow.ROLES[Action.APPROVE], admin=role is Role.ADMIN)


def roles_required(*roles: Role) -> Callable:
    """Only these roles (and admins, who may do everything) may open the view."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role_enum is not Role.ADMIN and current_user.role_enum not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def init_idle_logout(app: Flask) -> None:
    """Log out a bench tablet left idle, so the next volunteer does not work under a stranger's
    name (Chrome on a tablet keeps its session cookie for as long as it runs)."""

    @app.before_request
    def log_out_when_idle() -> Any:
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = time.time()
        idle = now - session.get("seen", now)  # a session from before this rule starts now
        session["seen"] = now
        if idle > current_app.config["IDLE_LOGOUT_MINUTES"] * 60:
            logout_user()
            session.pop("seen", None)
            if request.path.startswith("/api/"):
                return jsonify(error="login required"), 401
            flash(
                ngettext(
                    "You were logged out after %(num)d minute without activity. Log in again.",
                    "You were logged out after %(num)d minutes without activity. Log in again.",
                    current_app.config["IDLE_LOGOUT_MINUTES"],
                ),
                "info",
            )
            # A form sent after the timeout is not replayed: its page may be out of date.
            target = request.full_path if request.method == "GET" else None
            return redirect(url_for("auth.login", next=target))
        return None


def mark_active() -> None:
    """Start the idle clock of a fresh login."""
    session["seen"] = time.time()
