"""A JSON API for other tools: a logged-in session reads units; a bench station, with its
bearer token, reads one unit, which unit a board belongs to, its limits, and posts its runs;
either reads the stock, what can be built and a lot's recall. Anything else answers 401."""

from typing import Any

from flask import Blueprint, jsonify, request, url_for
from flask_babel import force_locale
from flask_login import current_user, login_required

from workshop.extensions import csrf
from workshop.models import StationToken
from workshop.overview_forms import ChartFilterForm
from workshop.services import (
    bench_runs,
    boards,
    buildable,
    overview,
    recall,
    stations,
    stock_levels,
    unit_reports,
    units,
)
from workshop.services.errors import NotFound, ServiceError
from workshop.services.metrics.summary import summary
from workshop.views.json_body import UnreadableBody, read_json
from workshop.workflow import Stage

bp = Blueprint("api", __name__, url_prefix="/api")

LOGIN_REQUIRED = {"error": "login required"}
#: A run document with its whole transcript is some 15 kB; this leaves room for a long one.
RUN_DOCUMENT_MAX_BYTES = 1024 * 1024
BAD_TOKEN = {"error": "invalid or revoked station token"}


def _bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _refusal(error: ServiceError) -> tuple[Any, int]:
    with force_locale("en"):  # tools read the API; it answers in English
        return jsonify(error=str(error.message)), error.status_code


def _station() -> StationToken | None:
    """The station whose token came with the request; None without a valid one."""
    return stations.authenticate(_bearer())


@bp.route("/units")
@login_required
def list_units():
    stage = request.args.get("stage")
    if stage is not None and stage not in {s.value for s in Stage}:
        return jsonify(error=f"unknown stage {stage!r}", stages=[s.value for s in Stage]), 400
    return jsonify(units=unit_reports.list_units(stage))


def _unreadable() -> tuple[Any, int] | None:
    """401 unless a person's session or a station's token comes with the request."""
    if "Authorization" in request.headers:
        if _station() is None:
            return jsonify(BAD_TOKEN), 401
    elif not current_user.is_authenticated:
        return jsonify(LOGIN_REQUIRED), 401
    return None


@bp.route("/metrics")
def metrics():
    """The workshop's figures for `from` to `to` (YYYY-MM-DD; the last 12 weeks by default),
    of every drone type or one (`type`, its id), of every unit or those kitted at one site
    (`site`, its id); a person's session or a station's token."""
    if (refused := _unreadable()) is not None:
        return refused
    form = ChartFilterForm(request.args)
    form.drone_type.choices = [("", "all"), *overview.type_names()]
    form.site.choices = [("", "all"), *overview.site_names()]
    with force_locale("en"):  # tools read the API; it answers in English
        if not form.validate():
            problems = "; ".join(
                f"{form[name].name}: {' '.join(str(m) for m in messages)}"
                for name, messages in form.errors.items()
            )
            return jsonify(error=problems), 400
    return jsonify(summary(form.filters()))


@bp.route("/units/<serial:serial>")
def get_unit(serial: str):
    """A person's session or a station's token."""
    if (refused := _unreadable()) is not None:
        return refused
    try:
        return jsonify(unit_reports.unit_detail(serial))
    except ServiceError as error:
        return _refusal(error)


@bp.route("/boards/<uid>")
def get_board(uid: str):
    """The unit a board (its MCU unique id) is bound to: {fc_uid, serial}; a person's session or
    a station's token."""
    if (refused := _unreadable()) is not None:
        return refused
    uid = uid.strip().lower()
    try:
        serial = boards.unit_for_board(uid)
    except NotFound as error:
        body, status = _refusal(error)
        # The board named back: a station tells "no unit has it" from an address it lacks.
        return jsonify(body.get_json() | {"fc_uid": uid}), status
    except ServiceError as error:
        return _refusal(error)
    return jsonify(fc_uid=uid, serial=serial)


@bp.route("/units/<serial:serial>/limits")
def unit_limits(serial: str):
    """What a station judges the unit's next run against (token only)."""
    if _station() is None:
        return jsonify(BAD_TOKEN), 401
    try:
        unit = units.get_unit(serial)
        return jsonify(bench_runs.judging_for(unit).for_station(unit))
    except ServiceError as error:
        return _refusal(error)


@bp.route("/units/<serial:serial>/bench-runs", methods=["POST"])
@csrf.exempt  # a station has no session to forge: its bearer token is the proof
def post_bench_run(serial: str):
    """A station's run document plus {kind, limits_version, golden_version}."""
    station = _station()
    if station is None:
        return jsonify(BAD_TOKEN), 401
    try:
        body = read_json(RUN_DOCUMENT_MAX_BYTES)
    except UnreadableBody as problem:
        return jsonify(error=str(problem)), problem.status
    try:
        run = bench_runs.record_posted_run(serial, body, station)
    except ServiceError as error:
        return _refusal(error)
    unit_url = url_for("units.show", serial=run.unit.serial, _external=True)
    return jsonify(id=run.id, verdict=run.verdict, unit_url=unit_url), 201


@bp.route("/stock")
def stock():
    """Every part of the catalogue: how many are on hand, in all and by place."""
    if (refused := _unreadable()) is not None:
        return refused
    return jsonify(
        [
            {
                "part": level.part.name,
                "tracked": level.part.tracked,
                "unit": level.part.measure,
                "on_hand": level.on_hand,
                "by_place": level.by_place,
            }
            for level in stock_levels.part_levels()
        ]
    )


@bp.route("/buildable")
def buildable_units():
    """Per active drone type: how many the free stock of all sites covers, and what limits it."""
    if (refused := _unreadable()) is not None:
        return refused
    return jsonify(
        [
            {
                "drone_type": total.drone_type.name,
                "buildable": total.buildable,
                "limited_by": total.limited_by.name if total.limited_by else None,
                "lines": [
                    {"part": line.part.name, "per_unit": line.per_unit, "on_hand": line.on_hand}
                    for line in total.lines
                ],
                "sites": [
                    {
                        "site": at.site.name if at.site else None,
                        "buildable": at.buildable,
                        "limited_by": at.limited_by.name if at.limited_by else None,
                    }
                    for at in by_site
                ],
            }
            for total, by_site in buildable.overview().types
        ]
    )


@bp.route("/lots/<code>")
def lot(code: str):
    """A lot and the serials of every unit that drew from it (its receipt's lots included)."""
    if (refused := _unreadable()) is not None:
        return refused
    try:
        found = recall.get_lot(code)
    except ServiceError as error:
        return _refusal(error)
    drew = recall.recall(found)
    return jsonify(
        {
            "code": found.code,
            "part": found.part.name,
            "quantity": found.quantity,
            "place": found.place.path,
            "source": found.source,
            "source_code": found.source_code,
            "units": [unit.serial for unit in drew.units],
        }
    )
