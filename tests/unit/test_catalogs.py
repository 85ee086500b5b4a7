"""Every string the UI shows goes through the translation layer and both catalogs hold it.

The strings are extracted the way `make messages` does (babel.cfg's patterns, keywords `_`,
`gettext`, ... and `_l`), so a string added to a template or to the code without a catalog
entry fails here, as does an empty or fuzzy translation or one that breaks a placeholder.
"""

import re
from collections import Counter
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from tests.helpers import csrf_token

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "workshop" / "translations"
TEMPLATES = ROOT / "workshop" / "templates"
LANGUAGES = ("uk", "en")
KEYWORDS = DEFAULT_KEYWORDS | {"_l": None}  # `pybabel extract -k _l`
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
COMPILE_HINT = "compile the catalogs first: .venv/bin/pybabel compile -d workshop/translations"


@cache
def extracted() -> dict[str | tuple[str, ...], list[str]]:
    """msgid (a tuple for plurals) -> where it is used, as `pybabel extract -F babel.cfg` finds."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        assert context is None, f"{filename}:{lineno} uses a message context; extend this test"
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


@cache
def catalog(lang: str) -> Catalog:
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def translations(message: Message) -> list[str]:
    strings = message.string
    return list(strings) if isinstance(strings, (list, tuple)) else [strings]


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def test_the_code_and_templates_have_strings_to_translate() -> None:
    found = extracted()
    assert "Log in" in found  # a template string
    assert "Kitting" in found  # an _l() string from the code
    assert len(found) > 100


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_every_string_the_app_shows(lang: str) -> None:
    cat = catalog(lang)
    missing = [
        f"{msgid!r} (used at {', '.join(where[:2])})"
        for msgid, where in extracted().items()
        if cat.get(msgid[0] if isinstance(msgid, tuple) else msgid) is None
    ]
    assert not missing, f"{lang} catalog lacks (run `make messages`):\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_translates_every_string_and_none_is_fuzzy(lang: str) -> None:
    cat = catalog(lang)
    assert not cat.fuzzy, f"{lang} catalog header is fuzzy: pybabel compile would skip it"
    untranslated = []
    for msgid in extracted():
        message = cat.get(msgid[0] if isinstance(msgid, tuple) else msgid)
        if message is None:
            continue  # reported by the test above
        if message.fuzzy or not all(s.strip() for s in translations(message)):
            untranslated.append(repr(message.id))
    assert not untranslated, f"{lang}: empty or fuzzy translations:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder(lang: str) -> None:
    broken = []
    for message in catalog(lang):
        if not message.id:
            continue
        expected = placeholders(message.id if isinstance(message.id, str) else message.id[-1])
        for form, text in enumerate(translations(message)):
            got = placeholders(text)
            # A plural's first form may leave the number out ("one part"), never add or rename one.
            ok = got == expected or (message.pluralizable and form == 0 and got <= expected)
            if text and not ok:
                broken.append(f"{message.id!r} -> {text!r}: {sorted(got)} != {sorted(expected)}")
    assert not broken, f"{lang}: translations that break a placeholder:\n" + "\n".join(broken)


def _in_fresh_context(client: FlaskClient, method: str, path: str, **kwargs):
    """One request with its own app context, as behind waitress.

    The `app` fixture keeps one application context open for the whole test and Flask reuses it
    for the test client's requests, so Flask-Babel's locale (cached in `g`) would stay at the
    first request's language.
    """
    with client.application.app_context():
        return client.open(path, method=method, **kwargs)


def test_login_page_is_ukrainian_by_default_and_english_after_switching(
    client: FlaskClient,
) -> None:
    page = _in_fresh_context(client, "GET", "/login").get_data(as_text=True)
    assert '<html lang="uk">' in page
    assert "Увійти" in page, COMPILE_HINT
    assert "PIN-код" in page
    assert "Log in" not in page

    with client.application.app_context():
        token = csrf_token(client)
    switched = _in_fresh_context(
        client, "POST", "/language", data={"csrf_token": token, "lang": "en"}
    )
    assert switched.status_code == 302

    for _ in range(2):  # the choice sticks
        page = _in_fresh_context(client, "GET", "/login").get_data(as_text=True)
        assert '<html lang="en">' in page
        assert "Log in" in page
        assert "Name or callsign" in page
        assert "Увійти" not in page


# --- visible text outside the translation layer -------------------------------------------

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
#: Attributes a person sees or hears (screen readers) besides the text between tags.
VISIBLE_ATTRIBUTES = frozenset({"placeholder", "title", "alt", "aria-label", "label"})
#: Literal text with letters that is the same in every language.
ALLOWED = frozenset(
    {
        "FPV7-2026-00012",  # the scan box's example serial: a code, not words
    }
)


class _LiteralText(HTMLParser):
    """Collects (line, text) of literal text with letters, skipping <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        attributes = dict(attrs)
        shown = VISIBLE_ATTRIBUTES
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            shown = shown | {"value"}  # the button's caption
        for name, value in attrs:
            if name in shown and value:
                self._check(f"{name}={value.strip()}", value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._check(data.strip(), data)

    def _check(self, shown: str, value: str) -> None:
        text = value.strip()
        if text and text not in ALLOWED and any(ch.isalpha() for ch in text):
            self.found.append((self.getpos()[0], shown))


def _without_jinja(source: str) -> str:
    """The template with every {{ }}, {% %} and {# #} removed, keeping its line numbers."""
    return JINJA.sub(lambda m: "\n" * m.group(0).count("\n"), source)


def literal_text(source: str) -> list[tuple[int, str]]:
    parser = _LiteralText()
    parser.feed(_without_jinja(source))
    parser.close()
    return parser.found


def templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_the_template_check_sees_literal_words_and_ignores_translated_ones() -> None:
    source = (
        '<h1>{{ _("History") }}</h1>\n<p>Serial: {{ unit.serial }}</p>\n'
        '<input placeholder="Search"><span>{{ a }} · {{ b }} → ☑ *</span>'
        '<input placeholder="FPV7-2026-00012"><script>var x = "text";</script>\n'
        '<input type="submit" value="Go"><input type="hidden" name="next" value="here">'
        '<button class="chip{% if on %} on{% endif %}" title="{{ _(\'Open\') }}">'
        '{{ _("Open") }}</button>'
    )
    assert literal_text(source) == [(2, "Serial:"), (3, "placeholder=Search"), (4, "value=Go")]


@pytest.mark.parametrize("template", templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_shows_no_text_outside_the_translation_layer(template: Path) -> None:
    found = literal_text(template.read_text(encoding="utf-8"))
    where = template.relative_to(ROOT)
    assert not found, "literal text a person sees, wrap it in {{ _('...') }}:\n" + "\n".join(
        f"{where}:{line}: {text!r}" for line, text in found
    )
