"""Sentences for the workflow's refusals, and for the kitting scan's (a lot or a place label
that cannot serve the unit), in the volunteer's language."""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from workshop import vocabulary
from workshop.services.kitting_scan import Refusal
from workshop.workflow import Refused

_SENTENCES: dict[str, LazyString] = {
    "role": _l("Your role may not do this: %(action)s."),
    "scrapped": _l("This unit is scrapped; nothing more can be done to it."),
    "out_of_service": _l(
        "This unit is marked “%(status)s” in the field; only its return can be recorded."
    ),
    "frozen": _l(
        "This unit is signed off and frozen. To change it, a reviewer must send it "
        "back as rework, and it needs a new review."
    ),
    "not_from_stage": _l("This cannot be done while the unit is at %(stage)s."),
    "not_on_hold": _l("This unit is not on hold."),
    "on_hold": _l("This unit is on hold. Take it off hold first."),
    "required_items": _l("Tick every required item first. Still unticked: %(items)s."),
    "unproved_ticks": _l(
        "These items tick themselves when the app has proved them; they cannot be ticked by "
        "hand: %(items)s."
    ),
    "proofs_missing": _l(
        "Not proved yet: %(items)s. These items tick themselves once their run has passed."
    ),
    "parts_missing": _l(
        "Scan or type the code of every tracked part first. Still missing: %(items)s."
    ),
    "draws_missing": _l("Draw every part of the kit first. Still to draw: %(items)s."),
    "fc_not_read": _l(
        "Read the flight controller first: the stage finishes when the reading passes."
    ),
    "fc_read_not_passed": _l(
        "The latest reading of the flight controller did not pass. Fix the firmware and read "
        "it again, or fail the stage."
    ),
    "bench_not_run": _l("Run the bench test first: the stage finishes when it passes."),
    "bench_not_passed": _l(
        "The latest bench test did not pass. Fix the unit and run the test again, or send it "
        "back as rework."
    ),
    "board_conflict": _l(
        "The flight controller read on this unit is not the board bound to it (or belongs to "
        "another unit). A coordinator must decide, or put the unit's own board back and read "
        "it again."
    ),
    "four_eyes": _l(
        "You worked on this unit, so you cannot sign it off. Another reviewer must do it."
    ),
    "four_eyes_repair": _l(
        "You worked on this repair, so you cannot sign it off. Another reviewer must do it."
    ),
    "reason_required": _l("Choose a reason."),
    "reason_text_required": _l("Write a few words about the reason."),
    "rework_stage_invalid": _l("Rework can only restart at a build stage."),
    "field_failure_required": _l("Choose what failed in the field."),
    "repair_stage_required": _l("Choose the stage the repair starts at."),
    "loss_reason_required": _l("Choose a reason."),
    "loss_reason_invalid": _l("That reason does not fit: choose one from the list."),
    "rework_stage_ahead": _l(
        "That reason sends the unit forward to %(stage)s; it is at %(current)s. "
        "Choose another reason."
    ),
}


def explain(refused: Refused) -> str:
    params = dict(refused.params)
    for key in ("stage", "current"):
        if key in params:
            params[key] = str(vocabulary.STAGE_NAMES.get(params[key], params[key]))
    if "status" in params:
        params["status"] = str(vocabulary.STATUS_NAMES.get(params["status"], params["status"]))
    if "action" in params:
        params["action"] = str(vocabulary.ACTION_NAMES.get(params["action"], params["action"]))
    return str(_SENTENCES[refused.code]) % params


_SCAN_SENTENCES: dict[str, LazyString] = {
    "unknown_lot": _l("No lot has the code %(code)s."),
    "unknown_place": _l("No place has the code %(code)s."),
    "unknown_bin": _l("No place has the bin number %(code)s."),
    "not_used": _l("Lot %(code)s holds %(part)s, which %(type)s does not use."),
    "line_complete": _l("All %(quantity)s × %(part)s are drawn already."),
    "lot_empty": _l("Lot %(code)s is empty."),
    "other_site": _l("Lot %(code)s lies at %(site)s; this unit is kitted at %(unit_site)s."),
    "place_other_site": _l("%(path)s is not at %(unit_site)s, where this unit is kitted."),
    "nothing_needed": _l("Nothing this unit still needs lies at %(path)s."),
}


def explain_scan(refusal: Refusal) -> str:
    """Why a lot or place label scanned at kitting draws nothing."""
    return str(_SCAN_SENTENCES[refusal.reason]) % dict(refusal.params)
