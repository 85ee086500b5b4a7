"""Logging in with a name and PIN, logging out, and choosing the language."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import login_required, login_user, logout_user

from workshop.forms import LanguageForm, LoginForm
from workshop.i18n import set_language
from workshop.services import accounts

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site; never send someone off to another host."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("bench.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data, form.pin.data)
        if user is None:
            flash(_("Wrong name or PIN."), "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user)  # no remember-me cookie: bench tablets are shared
        return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("Logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm()
    if not form.validate_on_submit() or not set_language(form.lang.data):
        flash(_("That language is not available."), "error")
    return redirect(_safe_next(request.form.get("next")))
