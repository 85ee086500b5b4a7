"""Logging in with a name and PIN or a badge, logging out, badges, and choosing the language."""

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import _
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from workshop import tls
from workshop.forms import BadgeForm, LanguageForm, LoginForm, required
from workshop.i18n import remember_language
from workshop.services import accounts, settings
from workshop.services.accounts import NAME_MAX, name_key
from workshop.services.errors import NotFound, ServiceError
from workshop.views.access import roles_required, sign_in, sign_out
from workshop.views.form_errors import field_errors
from workshop.workflow import Role

bp = Blueprint("auth", __name__)

#: The names that logged in on this tablet lately, offered as buttons at the login (the PIN is
#: still asked). Names only, in a cookie of the tablet's own: the server keeps no list.
RECENT_NAMES_COOKIE = "recent_names"
RECENT_NAMES = 6
RECENT_NAMES_AGE = timedelta(days=365)


def recent_names() -> list[str]:
    """The names this tablet logged in with lately, the latest first; none for a cookie that
    does not read as such a list."""
    try:
        names = json.loads(unquote(request.cookies.get(RECENT_NAMES_COOKIE, "[]")))
    except ValueError:
        return []
    if not isinstance(names, list):
        return []
    return [n for n in names if isinstance(n, str) and 0 < len(n) <= NAME_MAX][:RECENT_NAMES]


def remember_name(response: Response, name: str) -> Response:
    """Put `name` first among this tablet's recent names."""
    names = [name] + [n for n in recent_names() if name_key(n) != name_key(name)]
    value = quote(json.dumps(names[:RECENT_NAMES], ensure_ascii=False))
    response.set_cookie(
        RECENT_NAMES_COOKIE, value, max_age=RECENT_NAMES_AGE, samesite="Lax", httponly=True
    )
    return response


def _safe_next(target: str | None) -> str:
    """Only a path on this site; never send someone off to another host."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("scan.index")


def _openable(target: str) -> str:
    """`target` when a GET there shows a page (not a form's POST address), else the bench."""
    adapter = current_app.create_url_adapter(request)
    assert adapter is not None  # there is always one for a request
    try:
        adapter.match(urlsplit(target).path, method="GET")
    except RequestRedirect:
        pass  # a trailing slash away from a page: the browser follows it
    except HTTPException:
        return url_for("scan.index")
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
    return url_for("scan.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET" and (chosen := request.args.get("name", "").strip()):
        form.username.data = chosen[:NAME_MAX]  # a recent name's button: only the PIN is left
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(required(form.username.data), required(form.pin.data))
        except ServiceError as error:  # locked after too many wrong PINs
            flash(str(error.message), "error")
            return _login_page(form, error.status_code)
        if user is None:
            flash(_("Wrong name or PIN."), "error")
            return _login_page(form, 401)
        sign_in(user)
        return remember_name(redirect(_safe_next(request.args.get("next"))), user.name)
    status = 400 if form.errors else 200
    return _login_page(form, status)


def _login_page(form: LoginForm, status: int = 200):
    page = render_template("auth/login.html", form=form, recent=recent_names())
    return page, status


def badge_scanned(code: str):
    """A badge scanned into a scan box: its holder works here from now on, after their PIN
    when the workshop asks for one."""
    if settings.badge_needs_pin():
        return _badge_page(code)
    return _badge_sign_in(code, None, BadgeForm(formdata=None, code=code))


@bp.route("/badge/<code>")
def badge(code: str):
    """A badge's URL opened by a camera app: one tap (and the PIN) logs in, never the GET."""
    return _badge_page(code.strip().upper())


@bp.route("/badge", methods=["POST"])
def badge_login():
    form = BadgeForm()
    if not form.validate_on_submit():
        if "code" in form.errors:  # no badge could hold it: nothing to look up
            flash(str(accounts.BADGE_INVALID), "error")
            return redirect(url_for("auth.login"))
        flash(_("Some fields need attention: %(fields)s", fields=field_errors(form)), "error")
        return _badge_page(form.code.data or "", form, 400)
    return _badge_sign_in(required(form.code.data), form.pin.data or None, form)


def _badge_page(code: str, form: BadgeForm | None = None, status: int = 200):
    holder = accounts.badge_holder(code)
    if holder is None:
        flash(str(accounts.BADGE_INVALID), "error")
        return redirect(url_for("auth.login"))
    form = form or BadgeForm(formdata=None, code=code)
    page = render_template(
        "auth/badge.html", form=form, holder=holder, needs_pin=settings.badge_needs_pin()
    )
    return page, status


def _badge_sign_in(code: str, pin: str | None, form: BadgeForm):
    try:
        user = accounts.authenticate_badge(code, pin)
    except NotFound as error:
        flash(str(error.message), "error")
        return redirect(url_for("auth.login"))
    except ServiceError as error:  # locked after too many wrong PINs
        flash(str(error.message), "error")
        return _badge_page(code, form, error.status_code)
    if user is None:
        flash(_("Wrong PIN."), "error")
        return _badge_page(code, form, 401)
    sign_in(user)
    flash(_("%(name)s is working here now.", name=user.name), "success")
    return remember_name(redirect(url_for("scan.index")), user.name)


@bp.route("/accounts/<id:user_id>/badge", methods=["POST"])
@roles_required(Role.ADMIN)
def issue_badge(user_id: int):
    try:
        user = accounts.issue_badge(user_id, current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("admin.users"))
    flash(
        _(
            "%(name)s has a new badge; an earlier one no longer works. "
            "Print it on the labels page.",
            name=user.name,
        ),
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.route("/accounts/<id:user_id>/badge/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke_badge(user_id: int):
    try:
        user = accounts.revoke_badge(user_id, current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("admin.users"))
    flash(_("%(name)s's badge no longer works.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.route("/workshop-ca.crt")
def certificate_authority():
    """The workshop's own certificate authority, for a tablet to trust (the README says how);
    a certificate is public, so no login. None until the app first served HTTPS."""
    ca = tls.files_in(Path(current_app.instance_path)).ca
    if not ca.exists():
        abort(404)
    return send_file(ca, mimetype="application/x-x509-ca-cert", download_name=ca.name)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sign_out()
    flash(_("Logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm()
    response = redirect(_openable(_safe_next(request.form.get("next"))))
    if not form.validate_on_submit() or not remember_language(response, required(form.lang.data)):
        flash(_("That language is not available."), "error")
    return response
