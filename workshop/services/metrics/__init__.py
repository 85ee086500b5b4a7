"""The workshop's figures: flow (work in progress, throughput, cycle, wait and lead times),
quality (first-pass yield, the defects' Pareto, bench measurements over time), life in the field,
each aggregated in SQL (GROUP BY, window functions) that runs on SQLite and PostgreSQL alike.

Every figure takes `Filters` (a span of days on the workshop's calendar and a drone type) and
answers plain numbers; `services.overview` words them for the pages, the API and the report.
Nothing here names a person, a receiving unit or a place: figures describe the work.
"""
