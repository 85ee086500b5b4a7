"""Label printers and print jobs: the admin's label settings, sending a label, retrying a job."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from workshop import labels as label_rendering
from workshop.forms import LabelSettingsForm, PrinterForm, SendLabelForm, required
from workshop.labels.printers import BROTHER_MODELS
from workshop.services import places, printing, recall, settings, units
from workshop.services.errors import ServiceError
from workshop.views.access import roles_required
from workshop.views.form_errors import field_errors
from workshop.workflow import Role

bp = Blueprint("printing", __name__)


def _kind_names() -> dict[str, str]:
    return {
        "brother_ql": _("Brother QL (network or USB)"),
        "zpl": _("ZPL printer (Zebra-style, network)"),
    }


def _stock_choices() -> list[tuple[str, str]]:
    return [(stock.id, stock.name) for stock in label_rendering.STOCKS.values()]


def _printer_form(**kwargs) -> PrinterForm:
    form = PrinterForm(**kwargs)
    form.kind.choices = list(_kind_names().items())
    form.model.choices = [("", "—")] + [(model, model) for model in BROTHER_MODELS]
    form.stock.choices = _stock_choices()
    return form


def _settings_form(**kwargs) -> LabelSettingsForm:
    """The settings form filled in with the settings as they are (a POST's data wins)."""
    now = settings.current()
    form = LabelSettingsForm(
        label_base_url=now.label_base_url or "",
        default_stock=now.default_stock_id,
        default_printer=str(now.default_printer_id or ""),
        auto_print=now.auto_print,
        badge_needs_pin=now.badge_needs_pin,
        passport_shows_receiver=now.passport_shows_receiver,
        **kwargs,
    )
    form.default_stock.choices = _stock_choices()
    form.default_printer.choices = [("", _("None"))] + [
        (str(p.id), p.name) for p in printing.active_printers()
    ]
    return form


def _settings_page(form: LabelSettingsForm, new_form: PrinterForm, status: int = 200):
    printers = printing.active_printers()
    edit_forms = {
        p.id: _printer_form(
            formdata=None,
            prefix=f"p{p.id}",
            name=p.name,
            kind=p.kind,
            address=p.address,
            model=p.model,
            stock=p.stock_id,
            dpi=p.dpi,
        )
        for p in printers
    }
    return render_template(
        "printing/settings.html",
        form=form,
        new_form=new_form,
        printers=printers,
        edit_forms=edit_forms,
        kind_names=_kind_names(),
        stocks=label_rendering.STOCKS,
    ), status


@bp.route("/admin/labels", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def label_settings():
    form = _settings_form()
    new_form = _printer_form(formdata=None, prefix="new")
    if form.validate_on_submit():
        try:
            settings.update(
                settings.WorkshopSettings(
                    label_base_url=form.label_base_url.data,
                    default_stock_id=form.default_stock.data,
                    auto_print=form.auto_print.data,
                    default_printer_id=int(form.default_printer.data)
                    if form.default_printer.data
                    else None,
                    badge_needs_pin=form.badge_needs_pin.data,
                    passport_shows_receiver=form.passport_shows_receiver.data,
                ),
                current_user,
            )
        except ServiceError as error:
            flash(str(error.message), "error")
            return _settings_page(form, new_form, error.status_code)
        flash(_("Label settings saved."), "success")
        return redirect(url_for("printing.label_settings"))
    return _settings_page(form, new_form, 400 if form.errors else 200)


def _fields(form: PrinterForm) -> printing.PrinterFields:
    return printing.PrinterFields(
        name=form.name.data or "",
        kind=form.kind.data or "",
        address=form.address.data or "",
        model=form.model.data or "",
        stock_id=form.stock.data or "",
        dpi=form.dpi.data,
    )


@bp.route("/admin/printers", methods=["POST"])
@roles_required(Role.ADMIN)
def add_printer():
    form = _printer_form(prefix="new")
    if not form.validate_on_submit():
        flash(_("The printer was not added: %(fields)s", fields=field_errors(form)), "error")
        return _settings_page(_settings_form(formdata=None), form, 400)
    try:
        printer = printing.add_printer(_fields(form), current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
        return _settings_page(_settings_form(formdata=None), form, error.status_code)
    flash(_("Printer %(name)s added.", name=printer.name), "success")
    return redirect(url_for("printing.label_settings"))


@bp.route("/admin/printers/<id:printer_id>", methods=["POST"])
@roles_required(Role.ADMIN)
def edit_printer(printer_id: int):
    form = _printer_form(prefix=f"p{printer_id}")
    if not form.validate_on_submit():
        flash(_("The printer was not changed: %(fields)s", fields=field_errors(form)), "error")
        return redirect(url_for("printing.label_settings"))
    try:
        printing.update_printer(printer_id, _fields(form), current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Printer saved."), "success")
    return redirect(url_for("printing.label_settings"))


@bp.route("/admin/printers/<id:printer_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_printer(printer_id: int):
    if not FlaskForm().validate_on_submit():
        flash(_("The page expired. Go back, reload it and try again."), "error")
        return redirect(url_for("printing.label_settings"))
    try:
        printing.remove_printer(printer_id, current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Printer removed."), "success")
    return redirect(url_for("printing.label_settings"))


@bp.route("/u/<serial:serial>/label/send", methods=["POST"])
@login_required
def send_unit_label(serial: str):
    form = SendLabelForm()
    if not form.validate_on_submit():
        flash(_("The page expired. Go back, reload it and try again."), "error")
        return redirect(url_for("units.show", serial=serial))
    try:
        unit = units.get_unit(serial)
        printer = printing.get_printer(int(required(form.printer.data)))
        job = printing.print_unit_label(unit, printer, current_user, fallback_base=request.url_root)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("units.show", serial=serial))
    flash(*printing.outcome(job))
    return redirect(url_for("units.show", serial=unit.serial))


@bp.route("/lots/<code>/label/send", methods=["POST"])
@login_required
def send_lot_label(code: str):
    return _send_stock_label(
        url_for("stock.lot", code=code),
        lambda printer: printing.print_lot_label(
            recall.get_lot(code), printer, current_user, fallback_base=request.url_root
        ),
    )


@bp.route("/places/<code>/label/send", methods=["POST"])
@login_required
def send_place_label(code: str):
    return _send_stock_label(
        url_for("stock.place", code=code),
        lambda printer: printing.print_place_label(
            places.get_place(code), printer, current_user, fallback_base=request.url_root
        ),
    )


def _send_stock_label(back: str, send):
    """Send a lot's or a place's label to the printer the person pressed, and go back."""
    form = SendLabelForm()
    if not form.validate_on_submit():
        flash(_("The page expired. Go back, reload it and try again."), "error")
        return redirect(back)
    try:
        job = send(printing.get_printer(int(required(form.printer.data))))
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(*printing.outcome(job))
    return redirect(back)


#: How often the print jobs page looks again while a job is on its way.
FOLLOW_SECONDS = 3


@bp.route("/print-jobs")
@login_required
def jobs():
    recent = printing.recent_jobs()
    follow = FOLLOW_SECONDS if any(job.pending for job in recent) else None
    return render_template(
        "printing/jobs.html", jobs=recent, retry_form=FlaskForm(), follow_seconds=follow
    )


@bp.route("/print-jobs/<id:job_id>/retry", methods=["POST"])
@login_required
def retry(job_id: int):
    if not FlaskForm().validate_on_submit():
        flash(_("The page expired. Go back, reload it and try again."), "error")
        return redirect(url_for("printing.jobs"))
    try:
        job = printing.retry(job_id, current_user, fallback_base=request.url_root)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(*printing.outcome(job))
    return redirect(url_for("printing.jobs"))
