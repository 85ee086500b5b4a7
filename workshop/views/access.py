"""Who is logged in, and which roles may open a view."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from workshop.extensions import db, login_manager
from workshop.models import User
from workshop.workflow import Role


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
