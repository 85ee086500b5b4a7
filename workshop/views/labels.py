"""Labels: a unit's label as PDF, PNG or a print page, and batches of labels."""

from collections.abc import Callable
from io import BytesIO

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    send_file,
    send_from_directory,
    url_for,
)
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from workshop.forms import LIST_MAX, SCAN_MAX
from workshop.labels import STOCKS, LabelContent, Stock, render_bitmap, render_pdf, render_svg
from workshop.labels.fonts import FONT_DIR
from workshop.labels.layouts import layout_for
from workshop.models import Unit
from workshop.services import labels, places, recall, units
from workshop.services.errors import ServiceError
from workshop.validators import PlainText
from workshop.views.access import roles_required
from workshop.views.form_errors import field_errors
from workshop.workflow import Role

bp = Blueprint("labels", __name__)

KINDS = {
    "today": _l("Units started today"),
    "list": _l("A list of serials"),
    "range": _l("A range of serials"),
    "lots": _l("Part lots"),
    "places": _l("Places of a site"),
    "badges": _l("Badges"),
}


class LabelBatchForm(FlaskForm):
    kind = RadioField(_l("Labels for"), choices=list(KINDS.items()), default="today")
    serials = TextAreaField(
        _l("Serials, one per line or scanned"), validators=[PlainText(LIST_MAX, multiline=True)]
    )
    first = StringField(_l("From serial"), validators=[PlainText(SCAN_MAX, multiline=True)])
    last = StringField(_l("To serial"), validators=[PlainText(SCAN_MAX, multiline=True)])
    lots = TextAreaField(
        _l("Lot codes, one per line"), validators=[PlainText(LIST_MAX, multiline=True)]
    )
    site = SelectField(_l("Site"), coerce=int, validators=[Optional()])
    stock = SelectField(_l("Label stock"), validators=[InputRequired()])
    start = IntegerField(
        _l("Start at position on the sheet (1-24)"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=24)],
    )
    output = RadioField(
        _l("Make"),
        choices=[("print", _l("Print page")), ("pdf", _l("PDF"))],
        default="print",
    )


@bp.app_context_processor
def label_stocks() -> dict:
    return {"LABEL_STOCKS": STOCKS}


def _refused(error: ServiceError) -> tuple[str, int]:
    return render_template("labels/refused.html", message=error.message), error.status_code


def _unit_label(serial: str) -> tuple[Unit, Stock, LabelContent]:
    unit = units.get_unit(serial)
    stock = labels.stock(request.args.get("stock"))
    content = labels.unit_label(unit, labels.base_url(request.url_root))
    labels.check_fits([content], stock)
    return unit, stock, content


@bp.route("/u/<serial:serial>/label.pdf")
@login_required
def unit_pdf(serial: str):
    try:
        unit, stock, content = _unit_label(serial)
    except ServiceError as error:
        return _refused(error)
    pdf = render_pdf([content], stock)
    labels.record_print(unit, "pdf", current_user)
    return send_file(
        BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{unit.serial}-{stock.id}.pdf",
    )


@bp.route("/u/<serial:serial>/label.png")
@login_required
def unit_png(serial: str):
    try:
        _unit, stock, content = _unit_label(serial)
    except ServiceError as error:
        return _refused(error)
    out = BytesIO()
    render_bitmap(content, stock).save(out, "PNG", dpi=(stock.dpi, stock.dpi))
    return Response(out.getvalue(), mimetype="image/png")


@bp.route("/u/<serial:serial>/label/print")
@login_required
def unit_print(serial: str):
    try:
        unit, stock, content = _unit_label(serial)
    except ServiceError as error:
        return _refused(error)
    page = _print_page([content], stock, 1, unit.serial, url_for("units.show", serial=unit.serial))
    labels.record_print(unit, "browser", current_user)
    return page


def _print_page(
    contents: list[LabelContent], stock: Stock, start: int, title: str, back: str
) -> str:
    """The browser's print page: a page per label, or the A4 sheets with labels in place.

    Each label is (its sheet position, its SVG); position 0 is a label that is its own page.
    Sizes and positions come from the stock's stylesheet (stock_css), not from style
    attributes, which the Content-Security-Policy refuses.
    """
    sheet = stock.sheet
    pages: list[list[tuple[int, str]]] = []
    if sheet is None:
        pages = [[(0, render_svg(content, stock))] for content in contents]
    else:
        for content, (page, position) in zip(
            contents, sheet.positions(len(contents), start), strict=True
        ):
            if page == len(pages):
                pages.append([])
            pages[page].append((position, render_svg(content, stock)))
    return render_template("labels/print.html", pages=pages, stock=stock, title=title, back=back)


@bp.route("/labels/stocks/<stock_id>.css")
@login_required
def stock_css(stock_id: str):
    """The print page's size and label positions for one stock: `@page` is the stock (or its
    sheet), `.at-N` places the label at sheet position N."""
    stock = STOCKS.get(stock_id)
    if stock is None:
        abort(404)
    sheet = stock.sheet
    label = layout_for(stock)
    positions = [(n, *sheet.origin(n)) for n in range(1, sheet.per_page + 1)] if sheet else []
    css = render_template(
        "labels/stock.css",
        page_width=sheet.page_width_mm if sheet else label.width,
        page_height=sheet.page_height_mm if sheet else label.height,
        positions=positions,
    )
    return Response(css, mimetype="text/css")


@bp.route("/lots/<code>/label/print")
@login_required
def lot_print(code: str):
    return _one_label_page(
        lambda base: labels.lot_label(recall.get_lot(code), base),
        lambda content: url_for("stock.lot", code=content.title),
    )


@bp.route("/places/<code>/label/print")
@login_required
def place_print(code: str):
    return _one_label_page(
        lambda base: labels.place_label(places.get_place(code), base),
        lambda _content: url_for("stock.place", code=code),
    )


def _one_label_page(
    make: Callable[[str], LabelContent], back: Callable[[LabelContent], str]
) -> str | tuple[str, int]:
    """The print page of one label that `make` draws up for the labels' address."""
    try:
        content = make(labels.base_url(request.url_root))
        stock = labels.stock(request.args.get("stock"))
        labels.check_fits([content], stock)
    except ServiceError as error:
        return _refused(error)
    return _print_page([content], stock, 1, content.title, back(content))


@bp.route("/labels/fonts/<name>")
@login_required
def font(name: str):
    return send_from_directory(FONT_DIR, name, max_age=86400)


@bp.route("/labels", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def batch():
    form = LabelBatchForm()
    form.stock.choices = [(stock.id, stock.name) for stock in STOCKS.values()]
    form.site.choices = [(s.id, s.name) for s in places.all_sites()]
    if request.method == "GET":
        form.stock.data = labels.stock(None).id
        return render_template("labels/batch.html", form=form)
    if not form.validate_on_submit():
        error = _("Some fields need attention: %(fields)s", fields=field_errors(form))
        return render_template("labels/batch.html", form=form, error=error), 400
    try:
        asked = labels.BatchRequest(
            kind=form.kind.data,
            serials=form.serials.data or "",
            first=form.first.data or "",
            last=form.last.data or "",
            lots=form.lots.data or "",
            site_id=form.site.data or 0,
        )
        contents, counted = labels.batch(asked, labels.base_url(request.url_root))
        stock = labels.stock(form.stock.data)
        labels.check_fits(contents, stock)
    except ServiceError as error:
        return render_template(
            "labels/batch.html", form=form, error=error.message
        ), error.status_code
    start = form.start.data or 1
    if form.output.data == "pdf":
        body = render_pdf(contents, stock, start=start)
        labels.record_prints(counted, "pdf", current_user)
        return send_file(
            BytesIO(body),
            mimetype="application/pdf",
            as_attachment=True,
            download_name=f"labels-{form.kind.data}-{stock.id}.pdf",
        )
    page = _print_page(contents, stock, start, str(KINDS[form.kind.data]), url_for("labels.batch"))
    labels.record_prints(counted, "browser", current_user)
    return page
