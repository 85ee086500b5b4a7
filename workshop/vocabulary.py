"""Translated names of the workflow's stages, statuses, actions, roles and reasons, of a unit's
life in the field (failures, losses, decisions on a return, field status), of what a
flight-controller run reports (its kinds, verdicts, steps, measurements and units), and of the
other states a page shows."""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from firmware_checks.run_document import RunKind, Verdict
from workshop.field_life import FieldFailure, FieldStatus, LossReason, ReturnOutcome
from workshop.workflow import Action, Evidence, Reason, Role, Stage, Status

STAGE_NAMES: dict[str, LazyString] = {
    Stage.KITTING: _l("Kitting"),
    Stage.SOLDERING: _l("Soldering"),
    Stage.FLASHING: _l("Flashing"),
    Stage.BENCH_TEST: _l("Bench test"),
    Stage.REVIEW: _l("Review"),
    Stage.APPROVED: _l("Approved"),
    Stage.DELIVERED: _l("Delivered"),
    Stage.RETURNED: _l("Returned"),
}

STATUS_NAMES: dict[str, LazyString] = {
    Status.ACTIVE: _l("Active"),
    Status.ON_HOLD: _l("On hold"),
    Status.SCRAPPED: _l("Scrapped"),
    Status.LOST: _l("Lost"),
    Status.DESTROYED: _l("Destroyed"),
}

ACTION_NAMES: dict[str, LazyString] = {
    Action.FINISH: _l("finish the stage"),
    Action.FAIL: _l("fail the stage"),
    Action.APPROVE: _l("approve"),
    Action.REJECT: _l("reject"),
    Action.DELIVER: _l("hand over"),
    Action.HOLD: _l("put on hold"),
    Action.RELEASE: _l("take off hold"),
    Action.SCRAP: _l("scrap"),
    Action.RECORD_PART: _l("record a part"),
    Action.REMOVE_PART: _l("remove a part"),
    Action.ADD_PHOTO: _l("add a photo"),
    Action.RETURN: _l("record a return"),
    Action.REPAIR: _l("repair"),
    Action.SCRAP_RETURNED: _l("scrap after the return"),
    Action.GIVE_BACK: _l("give back as is"),
    Action.MARK_LOST: _l("mark lost"),
    Action.MARK_DESTROYED: _l("mark destroyed"),
}

ROLE_NAMES: dict[str, LazyString] = {
    Role.VOLUNTEER: _l("Volunteer"),
    Role.REVIEWER: _l("Reviewer"),
    Role.ADMIN: _l("Admin"),
}

REASON_NAMES: dict[str, LazyString] = {
    Reason.COLD_JOINT: _l("Cold joint"),
    Reason.SHORT: _l("Short circuit"),
    Reason.REVERSED_POLARITY: _l("Reversed polarity"),
    Reason.DAMAGED_PART: _l("Damaged part"),
    Reason.WRONG_FIRMWARE: _l("Wrong firmware"),
    Reason.FAILED_BENCH_TEST: _l("Failed bench test"),
    Reason.OTHER: _l("Other"),
}

FIELD_FAILURE_NAMES: dict[str, LazyString] = {
    FieldFailure.CRASH: _l("Crash or impact"),
    FieldFailure.NO_VIDEO: _l("No video"),
    FieldFailure.LINK_LOST: _l("Lost link or control"),
    FieldFailure.MOTOR_ESC: _l("Motor or ESC burnt"),
    FieldFailure.POWER: _l("Power or battery"),
    FieldFailure.FIRMWARE: _l("Firmware or configuration"),
    FieldFailure.FRAME: _l("Frame broken"),
    FieldFailure.NO_FAULT: _l("No fault found by the unit"),
    FieldFailure.OTHER: _l("Other"),
}

LOSS_REASON_NAMES: dict[str, LazyString] = {
    LossReason.NOT_RECOVERED: _l("Did not come back"),
    LossReason.EXPENDED: _l("Used as intended"),
    LossReason.BEYOND_REPAIR: _l("Damaged beyond repair"),
    LossReason.UNKNOWN: _l("Unknown"),
}

RETURN_OUTCOME_NAMES: dict[str, LazyString] = {
    ReturnOutcome.REPAIR: _l("Repair"),
    ReturnOutcome.SCRAP: _l("Scrapped"),
    ReturnOutcome.GIVE_BACK: _l("Given back as is"),
}

FIELD_STATUS_NAMES: dict[str, LazyString] = {
    FieldStatus.IN_SERVICE: _l("In service"),
    FieldStatus.RETURNED: _l("Returned"),
    FieldStatus.LOST: _l("Lost"),
    FieldStatus.DESTROYED: _l("Destroyed"),
}

#: What the person at the bench does at each build stage before anything is proved; after
#: the build stages, where the unit stands.
NEXT_STEP: dict[str, LazyString] = {
    Stage.KITTING: _l("pick the parts"),
    Stage.SOLDERING: _l("solder and check for shorts"),
    Stage.FLASHING: _l("flash the firmware"),
    Stage.BENCH_TEST: _l("battery on, propellers off"),
    Stage.REVIEW: _l("Waiting for a reviewer to sign it off."),
    Stage.APPROVED: _l("Ready to hand over."),
    Stage.DELIVERED: _l("Handed over."),
    Stage.RETURNED: _l("Back from the field: decide to repair, scrap or give it back as is."),
}

#: What proves a checklist item tied to evidence, as the page names it.
EVIDENCE_NAMES: dict[str, LazyString] = {
    Evidence.PARTS_SCANNED: _l("every part drawn and every tracked part scanned"),
    Evidence.FC_READ: _l("a passing reading of the flight controller"),
    Evidence.GOLDEN_APPLIED: _l("the golden configuration applied"),
    Evidence.BENCH_PASSED: _l("a passing bench test"),
    Evidence.MOTORS_CHECKED: _l("a passing motor check"),
}

#: What a person does to gather each evidence, for the "next" line of a unit.
EVIDENCE_TODO: dict[str, LazyString] = {
    Evidence.PARTS_SCANNED: _l("scan the tracked parts"),
    Evidence.FC_READ: _l("read the flight controller on a bench port"),
    Evidence.GOLDEN_APPLIED: _l("apply the golden configuration"),
    Evidence.BENCH_PASSED: _l("run the bench test"),
    Evidence.MOTORS_CHECKED: _l("run the motor check"),
}

#: How each audit action reads in a unit's history.
AUDIT_NAMES: dict[str, LazyString] = {
    "unit.create": _l("started the unit"),
    "unit.part": _l("recorded a part"),
    "unit.part_removed": _l("removed a part"),
    "unit.photo": _l("added a photo"),
    "unit.finish": _l("finished a stage"),
    "unit.fail": _l("failed a stage"),
    "unit.approve": _l("approved"),
    "unit.reject": _l("rejected"),
    "unit.deliver": _l("handed over"),
    # Written by the app before returns were recorded (migration 0009); old histories keep it.
    "unit.take_back": _l("took back for repair"),
    "unit.return": _l("recorded a return"),
    "unit.repair": _l("sent for repair"),
    "unit.scrap_returned": _l("scrapped after the return"),
    "unit.give_back": _l("gave back as is"),
    "unit.mark_lost": _l("marked lost"),
    "unit.mark_destroyed": _l("marked destroyed"),
    "unit.passport_printed": _l("printed the passport"),
    "unit.hold": _l("put on hold"),
    "unit.release": _l("took off hold"),
    "unit.scrap": _l("scrapped"),
    "unit.label_printed": _l("printed the label"),
    "user.create": _l("created an account"),
    "user.update": _l("changed an account"),
    "user.locked": _l("locked a name after wrong PINs"),
    "user.badge": _l("issued a badge"),
    "user.badge_revoked": _l("revoked a badge"),
    "drone_type.create": _l("created a drone type"),
    "drone_type.update": _l("changed a drone type"),
    "settings.update": _l("changed the label settings"),
    "printer.create": _l("added a printer"),
    "printer.update": _l("changed a printer"),
    "printer.remove": _l("removed a printer"),
    "print_job.queue": _l("sent a label to a printer"),
    "print_job.sent": _l("a printer took the label"),
    "print_job.failed": _l("a label did not print"),
    "unit.run_identity": _l("read the flight controller"),
    "unit.run_bench": _l("ran the bench test"),
    "unit.run_apply": _l("applied the golden configuration"),
    "unit.run_motors": _l("ran the motor check"),
    "board.decide": _l("decided a board conflict"),
    "limits.save": _l("changed the limits"),
    "golden.save": _l("saved a golden configuration"),
    "station.create": _l("created a station token"),
    "station.revoke": _l("revoked a station token"),
    "port.create": _l("added a bench port"),
    "port.update": _l("changed a bench port"),
    "port.remove": _l("removed a bench port"),
    "part.create": _l("added a part to the catalogue"),
    "part.update": _l("changed a part"),
    "site.create": _l("added a site"),
    "site.update": _l("renamed a site"),
    "place.create": _l("added a place"),
    "place.update": _l("renamed a place"),
    "lot.receive": _l("received a lot"),
    "lot.move": _l("moved stock"),
    "lot.waste": _l("wrote stock off as waste"),
    "lot.adjust": _l("corrected a count"),
    "unit.draw": _l("drew parts from a lot"),
    "unit.draw_without_lot": _l("drew parts without a lot"),
    "unit.part_returned": _l("returned parts to their lot"),
    "unit.part_wasted": _l("took damaged parts out to waste"),
    "unit.salvage": _l("salvaged good parts"),
    "stock.import": _l("imported stock from a file"),
    "stock.settle": _l("settled a stock discrepancy"),
}

#: Every limit a coordinator sets for a drone type, by its place in firmware_checks' Limits.
LIMIT_LABELS: dict[str, LazyString] = {
    "firmware.variants": _l("Firmware allowed (BTFL, INAV), comma-separated"),
    "firmware.min_version": _l("Oldest version per firmware, e.g. BTFL=4.5.0, INAV=7.0.0"),
    "firmware.max_version": _l("Newest version per firmware (empty: no upper bound)"),
    "board.board_id": _l("Board identifier, 4 letters (empty: not checked)"),
    "board.target": _l("Target name (empty: not checked)"),
    "sensors.required": _l("Sensors required, comma-separated (gyro, acc, baro, mag)"),
    "arming.allowed": _l("Arming-disable flags allowed at the bench, comma-separated"),
    "battery.usb_only_below_v": _l("Below this voltage the board runs on USB alone (V)"),
    "battery.accept_usb_only": _l("A test on USB power alone may pass"),
    "battery.min_cell_v": _l("Lowest cell voltage (V)"),
    "battery.max_cell_v": _l("Highest cell voltage (V)"),
    "gyro.samples": _l("Gyro samples read at rest"),
    "gyro.max_std_dps": _l("Gyro noise at rest, at most (°/s standard deviation)"),
    "attitude.max_tilt_deg": _l("Tilt at most, roll and pitch (°)"),
    "receiver.expect_link": _l("A receiver link is expected at the bench"),
    "receiver.min_channels": _l("Receiver channels, at least"),
    "receiver.centre_us": _l("Stick centre (µs)"),
    "receiver.tolerance_us": _l("Stick centre tolerance (± µs)"),
    "receiver.centred_channels": _l("Channels that must be centred (0 roll, 1 pitch, 2 yaw)"),
}

LIMIT_SECTIONS: dict[str, LazyString] = {
    "firmware": _l("Firmware"),
    "board": _l("Board and target"),
    "sensors": _l("Sensors"),
    "arming": _l("Arming"),
    "battery": _l("Battery"),
    "gyro": _l("Gyro noise"),
    "attitude": _l("Attitude"),
    "receiver": _l("Receiver"),
}

#: Where a golden configuration came from.
GOLDEN_SOURCES: dict[str, LazyString] = {
    "pasted": _l("pasted"),
    "file": _l("from a file"),
    "read": _l("read from a flight controller"),
}

#: How a print job's state reads on the print jobs page.
JOB_STATE_NAMES: dict[str, LazyString] = {
    "queued": _l("Waiting"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}

#: The measures a part is counted in, as a quantity reads: "12 pcs", "300 cm".
MEASURE_NAMES: dict[str, LazyString] = {
    "pcs": _l("pcs"),
    "cm": _l("cm"),
    "g": _l("g"),
    "ml": _l("ml"),
}

#: Where a lot came from.
SOURCE_NAMES: dict[str, LazyString] = {
    "donation": _l("Donation"),
    "purchase": _l("Purchase"),
    "salvage": _l("Salvage"),
    "other": _l("Other"),
}

#: What a row of the stock ledger records.
ENTRY_KIND_NAMES: dict[str, LazyString] = {
    "receive": _l("Received"),
    "draw": _l("Drawn for a unit"),
    "return": _l("Returned from a unit"),
    "waste": _l("To waste"),
    "move": _l("Moved"),
    "adjust": _l("Count corrected"),
    "salvage": _l("Salvaged from a unit"),
}

RUN_KIND_NAMES: dict[RunKind, LazyString] = {
    RunKind.IDENTITY: _l("Read flight controller"),
    RunKind.BENCH: _l("Bench test"),
    RunKind.APPLY: _l("Apply golden configuration"),
    RunKind.MOTORS: _l("Motor check"),
}

VERDICT_NAMES: dict[Verdict, LazyString] = {
    Verdict.PASS: _l("Passed"),
    Verdict.FAIL: _l("Failed"),
    Verdict.ERROR: _l("Could not test"),
}

#: What the volunteer sees for each step a run reports (motor_N steps are named apart).
STEP_NAMES: dict[str, LazyString] = {
    "connect": _l("Connect"),
    "identity": _l("Firmware and board"),
    "sensors": _l("Sensors"),
    "gyro_noise": _l("Gyro noise"),
    "battery": _l("Battery"),
    "receiver": _l("Receiver"),
    "config_diff": _l("Configuration"),
    "apply": _l("Type the golden configuration"),
    "save": _l("Save and restart"),
}

#: Each measurement of a run (motor_N_rpm and motor_N_direction are named apart).
MEASUREMENT_NAMES: dict[str, LazyString] = {
    "firmware_variant": _l("Firmware"),
    "firmware_version": _l("Firmware version"),
    "board_id": _l("Board"),
    "target": _l("Target"),
    "sensors": _l("Sensors"),
    "arming_flags": _l("Arming blocked by"),
    "attitude_tilt": _l("Tilt at rest"),
    "gyro_noise_x": _l("Gyro noise, roll"),
    "gyro_noise_y": _l("Gyro noise, pitch"),
    "gyro_noise_z": _l("Gyro noise, yaw"),
    "battery": _l("Battery"),
    "rc_link": _l("Receiver link"),
    "rc_channels": _l("Receiver channels"),
    "rc_centred": _l("Sticks centred"),
    "config_diff": _l("Configuration differences"),
    "refused_lines": _l("Lines the board refused"),
    "saved": _l("Saved"),
}

#: The unit codes of measurements (firmware_checks' LimitSpec.unit), as the reader writes them.
UNIT_NAMES: dict[str, LazyString] = {
    "V": _l("V"),
    "deg": _l("deg"),
    "deg/s": _l("deg/s"),
    "us": _l("us"),
    "rpm": _l("rpm"),
    "%": _l("%"),
    "channels": _l("channels"),
    "lines": _l("lines"),
    "differences": _l("differences"),
}

#: Measured values that are words (the receiver link, a motor's direction, the sensors
#: firmware_checks names).
VALUE_WORDS: dict[str, LazyString] = {
    "ok": _l("ok"),
    "lost": _l("lost"),
    "as expected": _l("as expected"),
    "reversed": _l("reversed"),
    "gyro": _l("gyro"),
    "acc": _l("accelerometer"),
    "baro": _l("barometer"),
    "mag": _l("magnetometer"),
    "gps": _l("GPS"),
    "rangefinder": _l("rangefinder"),
    "opflow": _l("optical flow"),
    "pitot": _l("pitot tube"),
    "temp": _l("temperature"),
}
