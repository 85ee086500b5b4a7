"""Drawing SVG: the colours and patterns, a drawing that collects its elements, axis ticks and
the legend, shared by every kind of chart."""

import math
from html import escape

#: Okabe and Ito's colours, told apart with any common colour-blindness; series take them in
#: this order, each with its own pattern as well (PATTERNS), so grey paper tells them apart too.
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")
#: What marks trouble: a failed value, a limit.
VERMILLION = "#D55E00"
INK = "#111111"
MUTED = "#4a4a4a"
GRID = "#d6d6ce"
#: The drawing's width in its own units: an upright tablet's page less its margins.
WIDTH = 760
FONT = 15
SMALL = 13


def text_width(words: str, size: float) -> float:
    """About how wide `words` are at `size`: a chart's layout only needs to leave room."""
    return 0.56 * size * len(words)


def colour(series: int) -> str:
    """The colour of series number `series`."""
    return SERIES_COLOURS[series % len(SERIES_COLOURS)]


def fmt(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def ticks(highest: float, lowest: float = 0.0, most: int = 5) -> list[float]:
    """Round values from at most `lowest` up to at least `highest`, about `most` steps."""
    if highest <= lowest:
        highest = lowest + 1
    raw = (highest - lowest) / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lowest / step + 1e-9)
    last = math.ceil(highest / step - 1e-9)
    return [round(step * n, 10) for n in range(first, last + 1)]


class Drawing:
    """One SVG drawing: elements added in order, patterns defined once, ids prefixed by `key`."""

    def __init__(self, key: str, title: str, summary: str, height: float) -> None:
        self.key, self.title, self.summary, self.height = key, title, summary, height
        self.parts: list[str] = []
        self.patterns: dict[int, str] = {}

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def text(
        self,
        x: float,
        y: float,
        words: str,
        *,
        anchor: str = "start",
        size: float = FONT,
        bold: bool = False,
        fill: str = INK,
    ) -> None:
        weight = ' font-weight="700"' if bold else ""
        self.add(
            f'<text x="{fmt(x)}" y="{fmt(y)}" text-anchor="{anchor}" font-size="{fmt(size)}"'
            f'{weight} fill="{fill}">{escape(words)}</text>'
        )

    def rect(
        self, x: float, y: float, width: float, height: float, fill: str, outline: str = ""
    ) -> None:
        edge = f' stroke="{outline}" stroke-width="1.5"' if outline else ""
        self.add(
            f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(max(width, 0))}" '
            f'height="{fmt(max(height, 0))}" fill="{fill}"{edge}/>'
        )

    def series_rect(self, series: int, x: float, y: float, width: float, height: float) -> None:
        """A bar of series number `series`: its fill, outlined in its colour so a patterned bar
        keeps its edges."""
        self.rect(x, y, width, height, self.fill(series), colour(series))

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        stroke: str,
        width: float = 1,
        dash: str = "",
    ) -> None:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(
            f'<line x1="{fmt(x1)}" y1="{fmt(y1)}" x2="{fmt(x2)}" y2="{fmt(y2)}" '
            f'stroke="{stroke}" stroke-width="{fmt(width)}"{dashes}/>'
        )

    def fill(self, series: int) -> str:
        """The fill of series number `series`: a solid colour for the first, the next ones
        hatched, dotted and cross-hatched in their colours."""
        kind = series % len(SERIES_COLOURS)
        if kind == 0:
            return colour(kind)
        if kind not in self.patterns:
            pattern_id = f"{self.key}-pattern-{kind}"
            marks = {
                1: f'<path d="M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6" stroke="{colour(kind)}" '
                'stroke-width="2.5"/>',
                2: f'<circle cx="4" cy="4" r="2.2" fill="{colour(kind)}"/>',
                3: f'<path d="M0,0 L8,8 M8,0 L0,8" stroke="{colour(kind)}" stroke-width="2"/>',
            }[kind]
            self.patterns[kind] = (
                f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse">'
                f'<rect width="8" height="8" fill="#ffffff"/>{marks}</pattern>'
            )
        return f"url(#{self.key}-pattern-{kind})"

    def marker(self, x: float, y: float, shape: str, colour: str) -> None:
        """A point's mark: "circle", "diamond" (a failure) or "bar" (a whisker's end)."""
        if shape == "circle":
            self.add(
                f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="4.5" fill="#ffffff" '
                f'stroke="{colour}" stroke-width="2.5"/>'
            )
        elif shape == "diamond":
            points = f"{fmt(x)},{fmt(y - 7)} {fmt(x + 7)},{fmt(y)} {fmt(x)},{fmt(y + 7)} " + (
                f"{fmt(x - 7)},{fmt(y)}"
            )
            self.add(f'<polygon points="{points}" fill="{colour}"/>')
        else:
            self.line(x - 5, y, x + 5, y, colour, 2)

    def legend(self, y: float, entries: list[tuple[str, str]], left: float = 0) -> float:
        """Swatches and names in rows from `y`; the height they took. An entry's swatch is a
        fill for a box, or "line:COLOUR", "dash:COLOUR", "circle:COLOUR", "diamond:COLOUR"."""
        x, row = left, 0
        for swatch, name in entries:
            width = 28 + text_width(name, SMALL) + 18
            if x + width > WIDTH and x > left:
                x, row = left, row + 1
            top = y + row * 24
            kind, _, colour = swatch.partition(":")
            if kind in ("line", "dash"):
                self.line(x, top + 8, x + 22, top + 8, colour, 2.5, "6 4" if kind == "dash" else "")
            elif kind in ("circle", "diamond"):
                self.marker(x + 11, top + 8, kind, colour)
            else:
                self.add(
                    f'<rect x="{fmt(x)}" y="{fmt(top)}" width="22" height="16" fill="{swatch}" '
                    f'stroke="{INK}" stroke-width="1"/>'
                )
            self.text(x + 28, top + 13, name, size=SMALL)
            x += width
        return (row + 1) * 24

    def svg(self) -> str:
        ids = f"{self.key}-title {self.key}-desc"
        defs = f"<defs>{''.join(self.patterns.values())}</defs>" if self.patterns else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} '
            f'{fmt(self.height)}" width="{WIDTH}" height="{fmt(self.height)}" role="img" '
            f'aria-labelledby="{ids}" font-family="system-ui, \'DejaVu Sans\', sans-serif">'
            f'<title id="{self.key}-title">{escape(self.title)}</title>'
            f'<desc id="{self.key}-desc">{escape(self.summary)}</desc>'
            f"{defs}{''.join(self.parts)}</svg>"
        )
