"""The QR code of a label: error correction and module size chosen for the space it has.

Largest modules first (a phone reads them from further and a blur or a worn print spares
them), then the strongest error correction that still gets modules that size; L only when
nothing stronger reaches the smallest module a printer makes reliably.
"""

from dataclasses import dataclass
from math import ceil

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

from workshop.labels.stocks import MM_PER_INCH

#: White modules kept around the code inside its box; the label's own margin adds to it.
QUIET_MODULES = 2
#: The smallest module, in mm, that both a 203 dpi thermal and a 300 dpi printer print clean.
MIN_MODULE_MM = 0.3
_LEVELS = (("H", ERROR_CORRECT_H), ("Q", ERROR_CORRECT_Q), ("M", ERROR_CORRECT_M))


class CodeTooLong(ValueError):
    """The text needs a QR code too dense to print readably in the space the label has."""


@dataclass(frozen=True)
class QrCode:
    """A QR code's dark modules (no quiet zone) and its error-correction level."""

    modules: tuple[tuple[bool, ...], ...]
    error_correction: str

    @property
    def size(self) -> int:
        return len(self.modules)

    def runs(self) -> list[tuple[int, int, int]]:
        """Dark modules as horizontal runs (row, first column, length): few shapes to draw."""
        found = []
        for row, line in enumerate(self.modules):
            col = 0
            while col < len(line):
                if line[col]:
                    start = col
                    while col < len(line) and line[col]:
                        col += 1
                    found.append((row, start, col - start))
                else:
                    col += 1
        return found


def module_dots(code_size: int, box_dots: int) -> int:
    """Whole dots per module when a code of `code_size` modules fills a box of `box_dots`."""
    return box_dots // (code_size + 2 * QUIET_MODULES)


def min_module_dots(dpi: int) -> int:
    return max(2, ceil(MIN_MODULE_MM * dpi / MM_PER_INCH))


def encode(text: str, box_mm: float, dpi: int) -> QrCode:
    """The QR code of `text` for a square box of `box_mm` printed at `dpi`."""
    box_dots = int(box_mm * dpi / MM_PER_INCH)
    smallest = min_module_dots(dpi)
    code = qrcode.QRCode(border=0, box_size=1)
    code.add_data(text)
    versions = {name: _version(code, level) for name, level in (*_LEVELS, ("L", ERROR_CORRECT_L))}
    sizes = {name: version * 4 + 17 for name, version in versions.items()}
    # max() keeps the first of equals: the strongest level among those with the largest modules.
    name, level = max(_LEVELS, key=lambda entry: module_dots(sizes[entry[0]], box_dots))
    if module_dots(sizes[name], box_dots) < smallest:
        name, level = "L", ERROR_CORRECT_L
        if module_dots(sizes["L"], box_dots) < smallest:
            raise CodeTooLong(
                f"{len(text)} characters need a QR code of {sizes['L']} modules; "
                f"a {box_mm:g} mm box at {dpi} dpi holds at most "
                f"{box_dots // smallest - 2 * QUIET_MODULES}"
            )
    code.error_correction = level
    code.version = versions[name]
    code.make(fit=False)
    return QrCode(tuple(tuple(row) for row in code.get_matrix()), name)


def _version(code: qrcode.QRCode, level: int) -> int:
    """The smallest QR version holding the code's data at error-correction `level`."""
    code.error_correction = level
    code.version = None
    return int(code.best_fit())
