"""Zebra-style thermal printers: the label bitmap as one ZPL ^GFA graphic field, over TCP 9100."""

from PIL import Image

from workshop.labels.printers.errors import PrinterError
from workshop.labels.printers.transport import canonical

#: An office sheet is for the browser or a PDF, not a roll printer.
UNSUPPORTED_STOCKS = ("a4-3x8",)


def check(address: str, stock_id: str) -> str:
    if stock_id in UNSUPPORTED_STOCKS:
        raise PrinterError("unsupported_stock", address, stock_id)
    return canonical(address)


def graphic_field(image: Image.Image) -> str:
    """`^GFA,total,total,row,HEX`: one bit a dot, 1 is black (Pillow's mode "1" has 1 for white)."""
    inverted = Image.eval(image.convert("L"), lambda value: 255 - value)
    bits = inverted.convert("1", dither=Image.Dither.NONE)
    row = (bits.width + 7) // 8
    data = bits.tobytes()  # each row padded to whole bytes with white (0) bits
    return f"^GFA,{len(data)},{len(data)},{row},{data.hex().upper()}"


def document(image: Image.Image, copies: int = 1) -> bytes:
    """A whole ZPL job: label size from the bitmap, the bitmap at the origin, `copies` prints."""
    return (
        f"^XA^PW{image.width}^LL{image.height}^LH0,0^FO0,0{graphic_field(image)}^FS^PQ{copies}^XZ"
    ).encode("ascii")
