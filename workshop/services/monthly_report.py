"""The monthly report for the network and its donors, in the reader's language: drones built and
delivered per type, the first-pass yield, the main defects and what was done about them, and the
parts consumed. It names no receiving unit, no place and no person: counts and causes only."""

from datetime import date, timedelta

from flask_babel import gettext as _

from workshop.labels.monthly_report import MonthlyReport, Section
from workshop.services.figures import words
from workshop.services.measurement_text import measurement_name
from workshop.services.metrics import flow, quality, stock
from workshop.services.metrics.periods import Filters, Period
from workshop.services.stock import in_measure
from workshop.services.units import workshop_today
from workshop.vocabulary import (
    FIELD_FAILURE_NAMES,
    REASON_NAMES,
    RETURN_OUTCOME_NAMES,
    STAGE_NAMES,
)

#: How many causes each list of defects names: the main ones.
MAIN_CAUSES = 5


def _causes(
    causes: list[quality.Cause],
    name: dict,
    done: dict | None,
    undecided: str = "",
) -> tuple[tuple[str, ...], ...]:
    def action(code: str) -> str:
        if not code:
            return undecided
        return str(done[code]) if done and code in done else code

    return tuple(
        (str(name.get(cause.key, cause.key)), str(cause.count))
        + ((", ".join(f"{action(a)}: {n}" for a, n in cause.actions),) if done else ())
        for cause in causes[:MAIN_CAUSES]
    )


def report(first_day: date) -> MonthlyReport:
    """The report of the month that starts on `first_day`, up to today if it is this month."""
    following = (first_day + timedelta(days=32)).replace(day=1)
    last_day = min(following - timedelta(days=1), max(workshop_today(), first_day))
    filters = Filters(first_day, last_day)
    per_type = flow.built_and_delivered(filters)
    built, delivered = sum(t.built for t in per_type), sum(t.delivered for t in per_type)
    yields = quality.first_pass_yield(filters)
    rolled = quality.rolled_yield(yields)
    month = words.month(first_day)
    bench = quality.bench_failures(filters)
    sections = (
        Section(
            _("Drones built and delivered"),
            (_("Drone type"), _("Built (signed off)"), _("Delivered")),
            tuple((t.drone_type, str(t.built), str(t.delivered)) for t in per_type)
            + (((_("In all"), str(built), str(delivered)),) if per_type else ()),
            _("No drone was built or delivered this month."),
        ),
        Section(
            _("First-pass yield"),
            (_("Stage"), _("Units"), _("Passed at once"), _("First-pass yield")),
            tuple(
                (str(STAGE_NAMES[y.stage]), str(y.units), str(y.passed), words.share(y.share))
                for y in yields
            )
            + ((_("Rolled yield, kit to review"), "", "", words.share(rolled)),),
        ),
        Section(
            _("Main defects at the workshop and what was done"),
            (_("Rework reason"), _("Times"), _("Sent back to")),
            _causes(quality.rework_reasons(filters), REASON_NAMES, STAGE_NAMES),
            _("No unit went back as rework this month."),
        ),
        Section(
            _("Failing bench-test measurements"),
            (_("Measurement"), _("Runs failed")),
            tuple((measurement_name(c.key), str(c.count)) for c in bench[:MAIN_CAUSES]),
            _("No bench test failed this month."),
        ),
        Section(
            _("Failures in the field and what was done"),
            (_("Field failure reason"), _("Returns"), _("Decided")),
            _causes(
                quality.field_failures(filters),
                FIELD_FAILURE_NAMES,
                RETURN_OUTCOME_NAMES,
                _("Waiting for a decision"),
            ),
            _("No drone came back from the field this month."),
        ),
        Section(
            _("Parts consumed"),
            (_("Part"), _("Category"), _("Consumed")),
            tuple(
                (use.name, use.category, in_measure(use.total, use.measure))
                for use in stock.consumed(filters, [Period(first_day, last_day)])
            ),
            _("No part went into a drone this month, or the workshop does not track its stock."),
        ),
    )
    return MonthlyReport(
        month=first_day.strftime("%Y-%m"),
        title=_("Workshop report: %(month)s", month=month),
        summary=_(
            "%(span)s. Drones built: %(built)s; delivered: %(delivered)s. Units that passed "
            "every stage from kit to review at once: %(rolled)s.",
            span=words.span(filters),
            built=built,
            delivered=delivered,
            rolled=words.share(rolled),
        ),
        sections=sections,
        footer=_(
            "Made on %(day)s by the workshop's build tracker. It names no person, no receiving "
            "unit and no place.",
            day=words.day(workshop_today()),
        ),
    )
