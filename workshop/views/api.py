"""A JSON read API for other tools; a logged-in session is needed, else 401 and no data."""

from flask import Blueprint, jsonify, request
from flask_login import login_required

from workshop.services import unit_reports
from workshop.services.errors import ServiceError
from workshop.workflow import Stage

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/units")
@login_required
def list_units():
    stage = request.args.get("stage")
    if stage is not None and stage not in {s.value for s in Stage}:
        return jsonify(error=f"unknown stage {stage!r}", stages=[s.value for s in Stage]), 400
    return jsonify(units=unit_reports.list_units(stage))


@bp.route("/units/<serial>")
@login_required
def get_unit(serial: str):
    try:
        return jsonify(unit_reports.unit_detail(serial.strip().upper()))
    except ServiceError as error:
        return jsonify(error=str(error.message)), 404
