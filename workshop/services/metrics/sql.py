"""SQL the figures share that SQLite and PostgreSQL spell differently (the seconds between two
moments, a number kept in a JSON column), and the median and 90th percentile of a group's values
by window functions, which both run."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

HOUR = 3600.0
DAY = 24 * HOUR


class seconds_between(FunctionElement[float]):  # lower case, as the SQL function it stands for
    """The seconds from the first moment to the second (both DateTime columns)."""

    type = sa.Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


class json_number(FunctionElement[float]):  # lower case, as the SQL function it stands for
    """The number a JSON column holds; NULL when it holds text, a list or nothing."""

    type = sa.Float()
    name = "json_number"
    inherit_cache = True


@compiles(json_number, "sqlite")
def _number_sqlite(element: json_number, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return (
        f"(CASE WHEN json_type({value}) IN ('integer', 'real') THEN json_extract({value}, '$') END)"
    )


@compiles(json_number, "postgresql")
def _number_postgresql(element: json_number, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return (
        f"(CASE WHEN json_typeof({value}) = 'number' "
        f"THEN CAST(({value} #>> '{{}}') AS DOUBLE PRECISION) END)"
    )


@dataclass(frozen=True)
class Spread:
    """How a group's values spread: how many, the median, the 90th percentile, the extremes.

    Nearest rank: the median is the value half of them reach (of an even count, the lower of the
    two middle ones), the 90th percentile the one nine in ten reach."""

    count: int
    median: float
    p90: float
    low: float
    high: float


def spreads(values: sa.Subquery, group: str, value: str) -> sa.Select:
    """(group, count, median, 90th percentile, lowest, highest) of `values.c[value]` per
    `values.c[group]`: rows that `spread()` reads."""
    key, amount = values.c[group], values.c[value]
    # One window (the whole group, in order) for both: SQLite then sorts the values once.
    ranked = sa.select(
        key.label("key"),
        amount.label("amount"),
        sa.func.row_number()
        .over(partition_by=key, order_by=amount, rows=(None, None))
        .label("rank"),
        sa.func.count().over(partition_by=key, order_by=amount, rows=(None, None)).label("n"),
    ).subquery()
    return sa.select(
        ranked.c.key,
        sa.func.max(ranked.c.n),
        sa.func.min(sa.case((ranked.c.rank * 2 >= ranked.c.n, ranked.c.amount))),
        sa.func.min(sa.case((ranked.c.rank * 10 >= ranked.c.n * 9, ranked.c.amount))),
        sa.func.min(ranked.c.amount),
        sa.func.max(ranked.c.amount),
    ).group_by(ranked.c.key)


def spread(row: Any) -> Spread:
    """A row of `spreads()` (after its key)."""
    _key, count, median, p90, low, high = row
    return Spread(int(count), float(median), float(p90), float(low), float(high))
