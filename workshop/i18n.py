"""Language choice: Ukrainian first, English second; the choice sticks in the session."""

from flask import current_app, request, session

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


def wants_json() -> bool:
    return request.path.startswith("/api/")
