"""Label rendering: stocks, layouts as data, and one renderer to SVG, PDF and bitmap."""

from workshop.labels.content import LabelContent
from workshop.labels.render import render_bitmap, render_pdf, render_svg
from workshop.labels.stocks import STOCKS, Stock, UnknownStock, get_stock

__all__ = [
    "STOCKS",
    "LabelContent",
    "Stock",
    "UnknownStock",
    "get_stock",
    "render_bitmap",
    "render_pdf",
    "render_svg",
]
