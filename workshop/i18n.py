"""Language choice: Ukrainian first, English second; the choice sticks in its own cookie.

Not in the session: the session cookie must die with the browser (bench tablets are shared),
while the language of a tablet should outlive every login on it.
"""

from datetime import timedelta
from functools import partial
from pathlib import Path

from babel.messages import mofile, pofile
from flask import current_app, has_request_context, request
from werkzeug.wrappers import Response

from workshop.durable import write_durably

LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}
COOKIE = "lang"
COOKIE_AGE = timedelta(days=365)


def select_locale() -> str:
    # Commands run outside any request: they speak the workshop's default language.
    chosen = request.cookies.get(COOKIE) if has_request_context() else None
    if chosen is not None and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language(response: Response, code: str) -> bool:
    """Set the language cookie on `response`; False for a language the app does not speak."""
    if code not in current_app.config["LANGUAGES"]:
        return False
    response.set_cookie(COOKIE, code, max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    return True


def compile_missing_catalogs(translations: Path) -> None:
    """Compile a .po catalog whose .mo is missing or older, so a plain start is translated too."""
    for po_path in translations.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = pofile.read_po(po_file)
        write_durably(mo_path, partial(mofile.write_mo, catalog=catalog))
