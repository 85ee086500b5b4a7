"""Who is logged in, and which roles may open a view."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import AnonymousUserMixin, LoginManager, current_user, login_user, logout_user

from workshop import workflow
from workshop.extensions import login_manager
from workshop.models import User
from workshop.services import logins
from workshop.workflow import Action, Role

#: The key of the session cookie that carries the token of this tablet's login.
LOGIN_KEY = "login"


def init_login(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.login_message = _l("Log in to continue.")
    manager.login_message_category = "info"

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        resumed = logins.resume(session.get(LOGIN_KEY), user_id, idle_timeout())
        g.idle_logout = resumed.idle
        return resumed.user

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


def idle_timeout() -> timedelta:
    return timedelta(minutes=current_app.config["IDLE_LOGOUT_MINUTES"])


def init_idle_logout(app: Flask) -> None:
    """Log out a bench tablet left idle, so the next volunteer does not work under a stranger's
    name (Chrome on a tablet keeps its session cookie for as long as it runs). The login's row
    says when it was last used (services.logins), so the timeout holds on the server too."""

    @app.before_request
    def log_out_when_idle() -> Any:
        if request.endpoint == "static" or current_user.is_authenticated:
            return None
        if "_user_id" not in session:
            return None
        # A login that ended (idle, logged out elsewhere, a new PIN): clear the cookie too.
        logout_user()
        session.pop(LOGIN_KEY, None)
        if not g.get("idle_logout"):
            return None
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


def sign_in(user: User) -> None:
    """Make `user` the one working on this tablet now, in place of whoever was."""
    # No remember-me cookie, never a permanent session: bench tablets are shared.
    login_user(user)
    session[LOGIN_KEY] = logins.start(user, idle_timeout(), replacing=session.get(LOGIN_KEY))


def sign_out() -> None:
    """End this tablet's login, on the server as in the cookie."""
    logins.end(session.pop(LOGIN_KEY, None), "logout")
    logout_user()


def current_login() -> str | None:
    """The token of this tablet's login."""
    return session.get(LOGIN_KEY)
