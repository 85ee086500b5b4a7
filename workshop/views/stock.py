"""Stock at the bench and on the shelves: what is on hand, receiving, a lot (with its recall),
moving stock, a place and counting it."""

import csv
import io

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import _, ngettext
from flask_login import current_user, login_required

from workshop import vocabulary
from workshop.forms import CountForm, MoveForm, PartSearchForm, ReceiveForm, WasteForm, required
from workshop.models import Lot
from workshop.services import (
    parts,
    places,
    printing,
    recall,
    receiving,
    scan,
    stock,
    stock_levels,
    stock_moves,
    units,
)
from workshop.services.errors import ServiceError
from workshop.services.stock_moves import Counted
from workshop.views.form_errors import field_errors

bp = Blueprint("stock", __name__)


@bp.app_context_processor
def stock_names() -> dict:
    return {
        "MEASURE_NAMES": vocabulary.MEASURE_NAMES,
        "SOURCE_NAMES": vocabulary.SOURCE_NAMES,
        "ENTRY_KIND_NAMES": vocabulary.ENTRY_KIND_NAMES,
    }


def scanned_code(raw: str, kind: scan.Kind) -> str:
    """The code a scanned label (or a typed code) names when it is of `kind`; else the code as
    typed, which the service then refuses by name."""
    found = scan.stock_code(raw)
    if found is not None and found.kind is kind:
        return found.key
    if found is not None and kind is scan.Kind.PLACE and found.kind is scan.Kind.BIN:
        return places.place_of_bin(int(found.key)).code
    return " ".join(raw.split()).upper()


@bp.route("/stock")
@login_required
def index():
    return render_template("stock/index.html", levels=stock_levels.part_levels())


# Receiving ---------------------------------------------------------------------------------


def _receive_form() -> ReceiveForm:
    form = ReceiveForm()
    form.part.choices = [(p.id, p.name) for p in parts.all_parts()]
    return form


@bp.route("/stock/receive", methods=["GET", "POST"])
@login_required
def receive():
    form = _receive_form()
    if request.method == "GET":
        form.place.data = request.args.get("place", "")
        return render_template("stock/receive.html", form=form)
    if not form.validate_on_submit():
        flash(_("Some fields need attention: %(fields)s", fields=field_errors(form)), "error")
        return render_template("stock/receive.html", form=form), 400
    try:
        lot = receiving.receive(
            receiving.Receipt(
                part_id=required(form.part.data),
                quantity=required(form.quantity.data),
                place_code=scanned_code(required(form.place.data), scan.Kind.PLACE),
                source=required(form.source.data),
                source_code=form.source_code.data or "",
                received_on=form.received_on.data,
                cost=form.cost.data or "",
                currency=form.currency.data or "",
            ),
            current_user,
        )
    except ServiceError as error:
        flash(str(error.message), "error")
        return render_template("stock/receive.html", form=form), error.status_code
    flash(_("Lot %(code)s received.", code=lot.code), "success")
    for job in printing.auto_print_lots([lot], current_user, fallback_base=request.url_root):
        flash(*printing.outcome(job))
    return redirect(url_for("stock.lot", code=lot.code))


# Lots --------------------------------------------------------------------------------------


@bp.route("/lots/<path:code>")
@login_required
def lot(code: str):
    """A lot label: the lot, where it lies, its ledger and every unit that drew from it; a lot
    code from before the workshop kept stock opens the units that hold it (the recall search)."""
    found = recall.find_lot(code)
    if found is None:
        form = PartSearchForm(formdata=None, q=code)
        return render_template("scan/parts.html", form=form, found=units.units_with_part(code))
    return render_template(
        "stock/lot.html",
        recall=recall.recall(found),
        waste_form=WasteForm(formdata=None),
        printers=printing.active_printers(),
    )


@bp.route("/stock/recall.csv")
@login_required
def recall_csv():
    try:
        found = recall.recall(recall.get_lot(request.args.get("lot", "")))
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("stock.index"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Unit"),
            _("Drone type"),
            _("Stage"),
            _("Status"),
            _("Drawn"),
            _("Part serials"),
            _("Receiving unit"),
        ]
    )
    for unit in found.units:
        writer.writerow(
            [
                unit.serial,
                unit.drone_type,
                vocabulary.STAGE_NAMES[unit.stage],
                vocabulary.STATUS_NAMES[unit.status],
                unit.drawn,
                " ".join(unit.serials),
                unit.receiver or "",
            ]
        )
    return csv_response(out.getvalue(), f"recall-{found.lot.code}.csv")


def csv_response(body: str, name: str) -> Response:
    # A byte-order mark, so a spreadsheet opened by a double click reads Cyrillic right.
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.route("/lots/<code>/waste", methods=["POST"])
@login_required
def waste(code: str):
    form = WasteForm()
    if not form.validate_on_submit():
        flash(_("Nothing was written off: %(fields)s", fields=field_errors(form)), "error")
        return redirect(url_for("stock.lot", code=code))
    try:
        stock_moves.waste(
            code, required(form.quantity.data), required(form.reason.data), current_user
        )
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Written off as waste."), "success")
    return redirect(url_for("stock.lot", code=code))


# Moves -------------------------------------------------------------------------------------


@bp.route("/stock/move", methods=["GET", "POST"])
@login_required
def move():
    form = MoveForm()
    if request.method == "GET":
        form.lot.data = request.args.get("lot", "")
        return render_template("stock/move.html", form=form)
    if not form.validate_on_submit():
        flash(_("Some fields need attention: %(fields)s", fields=field_errors(form)), "error")
        return render_template("stock/move.html", form=form), 400
    lot_code = scanned_code(required(form.lot.data), scan.Kind.LOT)
    try:
        moved: Lot = stock_moves.move(
            lot_code,
            form.quantity.data,
            scanned_code(required(form.place.data), scan.Kind.PLACE),
            current_user,
        )
    except ServiceError as error:
        flash(str(error.message), "error")
        return render_template("stock/move.html", form=form), error.status_code
    flash(
        _("Lot %(code)s now lies at %(path)s.", code=moved.code, path=moved.place.path), "success"
    )
    if moved.code != lot_code:
        # Part of a lot became a lot of its own: it needs its own label on its new shelf.
        for job in printing.auto_print_lots([moved], current_user, fallback_base=request.url_root):
            flash(*printing.outcome(job))
    return redirect(url_for("stock.lot", code=moved.code))


# Places ------------------------------------------------------------------------------------


@bp.route("/places/<code>")
@login_required
def place(code: str):
    try:
        found = places.get_place(code)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("stock.index"))
    return render_template(
        "stock/place.html",
        place=found,
        lots=stock_levels.lots_at(found),
        below=places.below(found),
        printers=printing.active_printers(),
    )


@bp.route("/bins/<id:number>")
@login_required
def bin_label(number: int):
    """A bin label printed before places existed: the place it names now."""
    try:
        found = places.place_of_bin(number)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("scan.index"))
    return redirect(url_for("stock.place", code=found.code))


@bp.route("/places/<code>/count", methods=["GET", "POST"])
@login_required
def count(code: str):
    try:
        found = places.get_place(code)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("stock.index"))
    lots = stock_levels.lots_at(found)
    form = CountForm()
    if request.method == "GET":
        return render_template("stock/count.html", place=found, lots=lots, form=form)
    if not form.validate_on_submit():
        flash(_("Some fields need attention: %(fields)s", fields=field_errors(form)), "error")
        return render_template("stock/count.html", place=found, lots=lots, form=form), 400
    try:
        counts = _counts(form)
        differences = stock_moves.count_place(
            found.code, counts, form.reason.data or "", current_user
        )
    except ServiceError as error:
        flash(str(error.message), "error")
        return render_template("stock/count.html", place=found, lots=lots, form=form), (
            error.status_code
        )
    flash(
        ngettext(
            "Counted. %(num)d lot differed from the books and was corrected.",
            "Counted. %(num)d lots differed from the books and were corrected.",
            len(differences),
        )
        if differences
        else _("Counted: everything agrees with the books."),
        "success",
    )
    return redirect(url_for("stock.place", code=found.code))


def _counts(form: CountForm) -> list[Counted]:
    """The counts typed for the listed lots (count-<code>, with the books' figure the page showed
    in expected-<code>), and a lot found at the place that the page did not list."""
    counts = []
    for key, typed in request.form.items():
        if not key.startswith("count-") or not typed.strip():
            continue
        code = key.removeprefix("count-")
        expected = request.form.get(f"expected-{code}", "")
        counts.append(
            Counted(
                code,
                stock.parse_quantity(typed, code, minimum=0),
                stock.parse_quantity(expected, code, minimum=0) if expected else None,
            )
        )
    if form.extra_lot.data and form.extra_count.data is not None:
        counts.append(
            Counted(scanned_code(form.extra_lot.data, scan.Kind.LOT), form.extra_count.data)
        )
    return counts
