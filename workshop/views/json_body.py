"""A JSON request body read within bounds: its size is capped before it is read, and its
nesting is measured before the parser sees it (Python's parser recurses, and a document a
hundred thousand brackets deep would end in RecursionError)."""

import json
import re

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

#: Deeper than any document the app reads (a run document is about six levels deep).
MAX_DEPTH = 32

#: A JSON string, escapes and all: brackets inside one do not nest anything.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class UnreadableBody(ValueError):
    """The body is not JSON the app reads; str() says why, in English (tools read the API)."""

    status = 400


class BodyTooLarge(UnreadableBody):
    status = 413


def nesting_depth(raw: bytes, stop_at: int = MAX_DEPTH) -> int:
    """How deep the arrays and objects of `raw` nest (counted no further than past `stop_at`)."""
    depth = deepest = 0
    for bracket in _STRING.sub(b"", raw).translate(None, _NOT_A_BRACKET):
        depth += 1 if bracket in b"[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > stop_at:
                break
    return deepest


def read_json(max_bytes: int) -> object:
    """The request's JSON body; UnreadableBody (BodyTooLarge past `max_bytes`) says what is
    wrong with it."""
    request.max_content_length = max_bytes
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise BodyTooLarge(f"the body is larger than {max_bytes} bytes") from None
    if nesting_depth(raw) > MAX_DEPTH:
        raise UnreadableBody(f"the JSON nests deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(raw)
    except ValueError as error:  # not UTF-8, not JSON, or a number too long to read
        raise UnreadableBody(f"the body is not JSON: {error}") from None
