"""The figures as plain data for tools (`GET /api/metrics`): codes rather than words, hours and
days as numbers, days as YYYY-MM-DD."""

from typing import Any

from workshop.services.metrics import field, flow, quality, stock
from workshop.services.metrics.periods import Filters, Period
from workshop.services.metrics.sql import DAY, HOUR, Spread


def _spread(spread: Spread | None, per: float, unit: str, counted: str) -> dict[str, Any]:
    if spread is None:
        return {counted: 0, f"median_{unit}": None, f"p90_{unit}": None}
    return {
        counted: spread.count,
        f"median_{unit}": round(spread.median / per, 3),
        f"p90_{unit}": round(spread.p90 / per, 3),
    }


def _share(share: float | None) -> float | None:
    return None if share is None else round(share, 4)


def summary(filters: Filters) -> dict[str, Any]:
    """Work in progress now, and the span's throughput, first-pass yield, rework reasons, field
    failures, time at each stage and waiting, lead time and life in the field."""
    wip = {stage.value: 0 for stage in flow.WIP_STAGES}
    for cell in flow.board(filters.drone_type_id, filters.site_id):
        wip[cell.stage] += cell.count
    yields = quality.first_pass_yield(filters)
    times = flow.stage_times(filters)
    return {
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "drone_type": filters.drone_type_id,
        "site": filters.site_id,
        "wip": wip,
        "throughput": [
            {
                "week": week.period.first.isoformat(),
                "until": week.period.last.isoformat(),
                "started": week.started,
                "delivered": week.delivered,
                "scrapped": week.scrapped,
            }
            for week in flow.throughput(filters)
        ],
        "first_pass_yield": {
            "stages": {
                y.stage: {"units": y.units, "passed": y.passed, "share": _share(y.share)}
                for y in yields
            },
            "rolled": _share(quality.rolled_yield(yields)),
        },
        "rework_reasons": [
            {"reason": cause.key, "count": cause.count, "sent_back_to": dict(cause.actions)}
            for cause in quality.rework_reasons(filters)
        ],
        "field_failures": [
            {
                "reason": cause.key,
                "count": cause.count,
                "decided": {outcome or "undecided": n for outcome, n in cause.actions},
            }
            for cause in quality.field_failures(filters)
        ],
        "cycle_time": {
            key: _spread(times.get(key), HOUR, "hours", "stays")
            for key in (*(s.value for s in flow.TIMED_STAGES), flow.ON_HOLD)
        },
        "lead_time": _spread(flow.lead_times(filters).get(flow.ALL_TYPES), DAY, "days", "units"),
        "field": [
            {
                "month": month.period.first.isoformat()[:7],
                "delivered": month.delivered,
                "returned": month.returned,
                "lost": month.lost,
                "destroyed": month.destroyed,
                "in_service": month.in_service,
            }
            for month in field.field_months(filters)
        ],
        "parts_consumed": [
            {
                "part": use.name,
                "category": use.category,
                "quantity": use.total,
                "measure": use.measure,
            }
            for use in stock.consumed(filters, [Period(filters.start, filters.end)])
        ],
    }
