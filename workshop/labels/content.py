"""What one label says: the code its QR holds and the text printed beside it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelContent:
    """One label: `qr_text` in the QR code, `title` in large print, `lines` small beneath."""

    qr_text: str
    title: str
    lines: tuple[str, ...] = ()
