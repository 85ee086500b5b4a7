"""The label typefaces (DejaVu Sans Condensed, vendored: it has Cyrillic) and their metrics.

Text is measured from the font's own advance widths, so the SVG, the PDF and the bitmap
place the same words in the same millimetres.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"


@dataclass(frozen=True)
class Face:
    """One typeface file and how CSS names it."""

    file: str
    family: str
    weight: str

    @property
    def path(self) -> Path:
        return FONT_DIR / self.file

    @property
    def ascent(self) -> float:
        """Height above the baseline, in em."""
        return _metrics(self.path).ascent

    @property
    def descent(self) -> float:
        """Depth below the baseline, in em (positive)."""
        return _metrics(self.path).descent

    @property
    def line_height(self) -> float:
        return self.ascent + self.descent

    def width(self, text: str) -> float:
        """The advance width of `text`, in em (no kerning: every renderer draws it so)."""
        metrics = _metrics(self.path)
        return sum(metrics.advances.get(ord(char), metrics.missing) for char in text)


@dataclass(frozen=True)
class _Metrics:
    ascent: float
    descent: float
    advances: dict[int, float]
    missing: float


@cache
def _metrics(path: Path) -> _Metrics:
    font = TTFont(path, lazy=True)
    em = font["head"].unitsPerEm
    widths = font["hmtx"].metrics
    advances = {code: widths[name][0] / em for code, name in font.getBestCmap().items()}
    return _Metrics(
        ascent=font["hhea"].ascent / em,
        descent=-font["hhea"].descent / em,
        advances=advances,
        missing=widths[".notdef"][0] / em,
    )


BOLD = Face("DejaVuSansCondensed-Bold.ttf", "DejaVu Sans Condensed", "bold")
REGULAR = Face("DejaVuSansCondensed.ttf", "DejaVu Sans Condensed", "normal")
