"""Language choice: Ukrainian first, English second; the choice sticks in the session."""

import os
from pathlib import Path

from babel.messages import mofile, pofile
from flask import current_app, session

LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def set_language(code: str) -> bool:
    if code not in current_app.config["LANGUAGES"]:
        return False
    session["lang"] = code
    session.permanent = True
    return True


def compile_missing_catalogs(translations: Path) -> None:
    """Compile a .po catalog whose .mo is missing or older, so a plain start is translated too."""
    for po_path in translations.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = pofile.read_po(po_file)
        partial = mo_path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as mo_file:
            mofile.write_mo(mo_file, catalog)
        partial.replace(mo_path)  # atomic: a second process never reads half a catalog
