"""A bench station talking to the workshop app: fetch what a unit is judged against, post the run,
ask which unit a board belongs to.

    GET  {base}/api/units/<serial>/limits      -> {"limits", "limits_version", "golden",
                                                   "golden_version", "kind", ...}
    POST {base}/api/units/<serial>/bench-runs  <- the run document + {"limits_version",
                                                   "golden_version", "kind"} -> 201 {"id", ...}
    GET  {base}/api/boards/<uid>               -> {"fc_uid", "serial"}, or 404 {"error", "fc_uid"}

Both with `Authorization: Bearer TOKEN`. Standard library only (urllib), so a Raspberry Pi or an
old laptop needs nothing but this package and pyserial.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from .limits import Limits, LimitsError, limits_from_mapping
from .run_document import RunDocument, RunKind

#: The runs a station makes: what the unit's stage asks for.
KINDS = (RunKind.IDENTITY, RunKind.BENCH)
HTTP_TIMEOUT_S = 15.0


class StationError(Exception):
    """The workshop could not be asked or refused; str() says why in one sentence. `status` is
    the HTTP status it answered with, when it answered."""

    def __init__(self, message: str, status: int | None = None, answer: Any = None) -> None:
        super().__init__(message)
        self.status = status
        #: The workshop's JSON answer to a refused request, when it sent one.
        self.answer = answer


@dataclass(frozen=True)
class Judging:
    """What the workshop says this unit's run is judged against."""

    serial: str
    kind: RunKind  # identity (flashing stage) or bench (bench-test stage)
    limits: Limits
    limits_version: int | None
    golden: str | None
    golden_version: int | None


def _unit_url(base: str, serial: str, tail: str) -> str:
    return f"{base.rstrip('/')}/api/units/{urllib.parse.quote(serial, safe='')}/{tail}"


def _call(method: str, url: str, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            **({"Content-Type": "application/json"} if data is not None else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as answer:
            payload = answer.read()
    except urllib.error.HTTPError as error:
        answer = _error_answer(error)
        raise StationError(
            f"{method} {url}: the workshop answered {error.code}: {_error_text(error, answer)}",
            error.code,
            answer,
        ) from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise StationError(f"cannot reach the workshop at {url}: {reason}") from error
    try:
        document = json.loads(payload)
    except ValueError as error:
        raise StationError(f"{method} {url}: the answer is not JSON") from error
    if not isinstance(document, dict):
        raise StationError(f"{method} {url}: the answer is not a JSON object")
    return document


def _error_answer(error: urllib.error.HTTPError) -> dict[str, Any] | None:
    """The JSON object the workshop answered a refused request with, if it sent one."""
    try:
        document = json.loads(error.read())
    except (ValueError, OSError):
        return None
    return document if isinstance(document, dict) else None


def _error_text(error: urllib.error.HTTPError, answer: dict[str, Any] | None) -> str:
    """The app's {"error": "..."} sentence, else the HTTP reason."""
    if answer is not None and isinstance(answer.get("error"), str):
        return str(answer["error"])
    return str(error.reason)


def _optional_int(document: dict[str, Any], key: str) -> int | None:
    value = document.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise StationError(f"the workshop sent {key} {value!r}, not a whole number")
    return value


def fetch_judging(base: str, serial: str, token: str) -> Judging:
    """Ask the workshop what this unit is judged against; StationError if it cannot say."""
    document = _call("GET", _unit_url(base, serial, "limits"), token)
    kind = next((k for k in KINDS if k.value == document.get("kind")), None)
    if kind is None:
        expected = ", ".join(k.value for k in KINDS)
        raise StationError(
            f"the workshop sent kind {document.get('kind')!r}; expected one of {expected}"
        )
    golden = document.get("golden")
    if golden is not None and not isinstance(golden, str):
        raise StationError("the workshop sent a golden configuration that is not text")
    try:
        limits = limits_from_mapping(document.get("limits") or {})
    except LimitsError as error:
        raise StationError(f"the workshop's limits cannot be used: {error}") from error
    return Judging(
        serial,
        kind,
        limits,
        _optional_int(document, "limits_version"),
        golden,
        _optional_int(document, "golden_version"),
    )


def post_run(base: str, judging: Judging, run: RunDocument, token: str) -> dict[str, Any]:
    """Post a run document for the unit; the workshop's answer ({"id", "verdict", "unit_url"})."""
    body = {
        **run.to_json(),
        "limits_version": judging.limits_version,
        "golden_version": judging.golden_version,
        "kind": judging.kind.value,
    }
    return _call("POST", _unit_url(base, judging.serial, "bench-runs"), token, body)


def unit_of_board(base: str, uid: str, token: str) -> str | None:
    """The serial of the unit the board with this MCU unique id is bound to; None when the
    workshop knows no unit with it; StationError if it cannot say."""
    url = f"{base.rstrip('/')}/api/boards/{urllib.parse.quote(uid, safe='')}"
    try:
        document = _call("GET", url, token)
    except StationError as error:
        # A 404 that names the board is "no unit has it"; any other (an older workshop without
        # this address) is a refusal.
        if error.status == 404 and isinstance(error.answer, dict) and "fc_uid" in error.answer:
            return None
        raise
    serial = document.get("serial")
    if not isinstance(serial, str) or not serial:
        raise StationError(f"GET {url}: the workshop sent no serial")
    return serial
