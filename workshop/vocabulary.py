"""Translated names of the workflow's stages, statuses, actions, roles and reasons."""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from workshop.workflow import Action, Reason, Role, Stage, Status

STAGE_NAMES: dict[str, LazyString] = {
    Stage.KITTING: _l("Kitting"),
    Stage.SOLDERING: _l("Soldering"),
    Stage.FLASHING: _l("Flashing"),
    Stage.BENCH_TEST: _l("Bench test"),
    Stage.REVIEW: _l("Review"),
    Stage.APPROVED: _l("Approved"),
    Stage.DELIVERED: _l("Delivered"),
}

STATUS_NAMES: dict[str, LazyString] = {
    Status.ACTIVE: _l("Active"),
    Status.ON_HOLD: _l("On hold"),
    Status.SCRAPPED: _l("Scrapped"),
}

ACTION_NAMES: dict[str, LazyString] = {
    Action.FINISH: _l("finish the stage"),
    Action.FAIL: _l("fail the stage"),
    Action.APPROVE: _l("approve"),
    Action.REJECT: _l("reject"),
    Action.DELIVER: _l("hand over"),
    Action.TAKE_BACK: _l("take back for repair"),
    Action.HOLD: _l("put on hold"),
    Action.RELEASE: _l("take off hold"),
    Action.SCRAP: _l("scrap"),
    Action.RECORD_PART: _l("record a part"),
    Action.REMOVE_PART: _l("remove a part"),
    Action.ADD_PHOTO: _l("add a photo"),
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

#: What the person at the bench should do next, by stage.
NEXT_STEP: dict[str, LazyString] = {
    Stage.KITTING: _l("Pick the parts, scan the tracked ones, tick the checklist."),
    Stage.SOLDERING: _l("Solder, check for shorts, tick the checklist."),
    Stage.FLASHING: _l("Flash the firmware and configuration, tick the checklist."),
    Stage.BENCH_TEST: _l("Run the bench test, tick the checklist."),
    Stage.REVIEW: _l("Waiting for a reviewer to sign it off."),
    Stage.APPROVED: _l("Ready to hand over."),
    Stage.DELIVERED: _l("Handed over."),
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
    "unit.take_back": _l("took back for repair"),
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
}
