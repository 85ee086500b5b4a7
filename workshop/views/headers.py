"""The security headers every answer carries, set in one place.

- Content-Security-Policy: scripts, styles, images, fonts and requests from the app itself
  only; no inline script or style anywhere (templates link static files), WebAssembly for the
  vendored zxing-wasm scanner; no plugins, no <base>, forms post only here, no framing.
- X-Frame-Options (browsers before frame-ancestors), X-Content-Type-Options: nosniff,
  Referrer-Policy: same-origin (the language switch reads its own site's Referer; no other
  site ever sees one), Permissions-Policy: the camera for this site and nothing else.
- Cache-Control: no-store on every answer but the static files and the label fonts: a shared
  tablet's browser keeps no copy of a page with data, a photo or an API answer.
"""

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), usb=(), serial=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: Files the same for everyone, which a browser may keep.
CACHEABLE = frozenset({"static", "labels.font"})


def init_app(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.update(HEADERS)
        if request.endpoint not in CACHEABLE:
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
