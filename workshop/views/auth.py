"""Logging in with a name and PIN, logging out, and choosing the language."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import _
from flask_login import login_required, login_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from workshop.forms import LanguageForm, LoginForm
from workshop.i18n import remember_language
from workshop.services import accounts
from workshop.services.errors import ServiceError
from workshop.views.access import mark_active

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site; never send someone off to another host."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("bench.index")


def _openable(target: str) -> str:
    """`target` when a GET there shows a page (not a form's POST address), else the bench."""
    adapter = current_app.create_url_adapter(request)
    try:
        adapter.match(urlsplit(target).path, method="GET")
    except RequestRedirect:
        pass  # a trailing slash away from a page: the browser follows it
    except HTTPException:
        return url_for("bench.index")
    return target


def return_path() -> str:
    """Where the language switch comes back to: this page if it was a GET, else the page the
    refused form was posted from (the Referer), else the bench."""
    if request.method == "GET":
        return request.full_path
    if request.referrer:
        referrer = urlsplit(request.referrer)
        if referrer.netloc == request.host and referrer.path.startswith("/"):
            return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("bench.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.username.data, form.pin.data)
        except ServiceError as error:  # locked after too many wrong PINs
            flash(str(error.message), "error")
            return render_template("auth/login.html", form=form), error.status_code
        if user is None:
            flash(_("Wrong name or PIN."), "error")
            return render_template("auth/login.html", form=form), 401
        # No remember-me cookie, never a permanent session: bench tablets are shared.
        login_user(user)
        mark_active()
        return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    session.pop("seen", None)
    flash(_("Logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm()
    response = redirect(_openable(_safe_next(request.form.get("next"))))
    if not form.validate_on_submit() or not remember_language(response, form.lang.data):
        flash(_("That language is not available."), "error")
    return response
