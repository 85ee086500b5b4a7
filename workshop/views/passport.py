"""A unit's passport: its A5 print page and its PDF; each print is counted on the unit."""

from io import BytesIO

from flask import Blueprint, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from workshop.labels.passport import qr_svg, render_passport_pdf
from workshop.services import passport
from workshop.services.errors import ServiceError

bp = Blueprint("passport", __name__)


def _refused(error: ServiceError) -> tuple[str, int]:
    return render_template("passport/refused.html", message=error.message), error.status_code


@bp.route("/u/<serial:serial>/passport")
@login_required
def print_page(serial: str):
    try:
        unit, content = passport.passport(serial, request.url_root)
    except ServiceError as error:
        return _refused(error)
    page = render_template(
        "passport/print.html",
        passport=content,
        qr=qr_svg(content),
        back=url_for("units.show", serial=unit.serial),
        pdf=url_for("passport.pdf", serial=unit.serial),
    )
    passport.record_print(unit, "browser", current_user)
    return page


@bp.route("/u/<serial:serial>/passport.pdf")
@login_required
def pdf(serial: str):
    try:
        unit, content = passport.passport(serial, request.url_root)
    except ServiceError as error:
        return _refused(error)
    body = render_passport_pdf(content)
    passport.record_print(unit, "pdf", current_user)
    return send_file(
        BytesIO(body),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{unit.serial}-passport.pdf",
    )
