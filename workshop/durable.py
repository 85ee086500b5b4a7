"""Writing files that must survive a power cut: the database commit may point at them."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_durably(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write through `write` into a temporary file, flush it to disk, then rename it into place.

    A reader (or the app after a crash) sees either no file or the whole file, never half.
    """
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with partial.open("wb") as file:
        write(file)
        file.flush()
        os.fsync(file.fileno())
    partial.replace(path)
