"""Charts drawn on the server as SVG text: pure functions from typed series (`charts.series`) to
an `<svg>` element, with no JavaScript and nothing fetched from anywhere.

Made to be read on an upright tablet (800 px wide) and on paper: the Okabe-Ito colours, which
people with any common colour-blindness tell apart, each with its own pattern or marker too, and
values written beside what they measure. Every word (names, labels, the sentence saying what the
chart shows) comes in already in the reader's language; numbers are written by the chart's
`number` function, so they follow the reader's locale too.
"""
