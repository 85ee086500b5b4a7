"""200 unit labels as one PDF and as one print page, against 200 bare QR codes. Prints only.

    python bench/labels.py [--labels 200] [--runs 5] [--stock 62x29]

Seeds a SQLite file in a temporary folder (migrated with Alembic, the demo data, then --labels
units of the demo FPV7 type), logs in as the demo coordinator through the Flask test client
and times, --runs times each, in turn so that load from other processes falls on all three:
- bare QR codes: the --labels label URLs encoded by `qrcode` (error correction M, the
  version fitted), nothing drawn: the least work any label needs;
- PDF: POST /labels for the range of serials as one PDF (the whole request: lookup, layout,
  QR codes, text, fpdf2, the prints counted on each unit);
- print page: the same request for the browser's print page (an inline SVG per label).
Prints the median of each and the ratio of each median to the bare codes' against the
target: labels at most 2 times the bare codes.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import qrcode
from flask.testing import FlaskClient
from flask_migrate import upgrade
from qrcode.constants import ERROR_CORRECT_M

from workshop import create_app
from workshop.extensions import db
from workshop.models import DroneType
from workshop.services import accounts, demo, units

RATIO_TARGET = 2.0
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BASE = "http://localhost"


def bare_codes(urls: list[str]) -> None:
    for url in urls:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1)
        code.add_data(url)
        code.make(fit=True)
        code.get_matrix()


def batch(client: FlaskClient, first: str, last: str, stock: str, output: str) -> int:
    token = CSRF.search(client.get("/labels").get_data(as_text=True))
    assert token, "no CSRF token on /labels"
    data = {"csrf_token": token.group(1), "kind": "range", "first": first, "last": last}
    response = client.post("/labels", data=data | {"stock": stock, "start": "1", "output": output})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return len(response.data)


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stock", default="62x29")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database = (Path(folder) / "bench.sqlite").as_posix()
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                "PHOTO_DIR": str(Path(folder) / "photos"),
                "WTF_CSRF_TIME_LIMIT": None,
            }
        )
        with app.app_context():
            upgrade()
            demo.seed()
            seven = db.session.scalar(db.select(DroneType).where(DroneType.prefix == "FPV7"))
            builder = accounts.find_by_name("Sokil")
            assert seven is not None and builder is not None, "the demo data has changed"
            made = [units.create_unit(seven.id, builder).serial for _ in range(args.labels)]
            urls = [f"{BASE}/u/{serial}" for serial in made]
            client = app.test_client()
            token = CSRF.search(client.get("/login").get_data(as_text=True))
            assert token
            client.post(
                "/login",
                data={"csrf_token": token.group(1), "username": "Koordynator", "pin": "3333"},
            )
            sizes = {}
            times: dict[str, list[float]] = {"bare": [], "pdf": [], "print": []}
            for _ in range(args.runs):
                times["bare"].append(timed(lambda: bare_codes(urls)))
                for output in ("pdf", "print"):
                    start = time.perf_counter()
                    sizes[output] = batch(client, made[0], made[-1], args.stock, output)
                    times[output].append(time.perf_counter() - start)
            db.session.remove()
            db.engine.dispose()

    bare = statistics.median(times["bare"])
    print(f"{args.labels} labels on {args.stock}, median of {args.runs} runs")
    print(f"  bare QR codes        {bare * 1000:8.0f} ms")
    for output, name in (("pdf", "one PDF"), ("print", "one print page")):
        median = statistics.median(times[output])
        ratio = median / bare
        verdict = "met" if ratio <= RATIO_TARGET else "NOT met"
        print(
            f"  {name:<20} {median * 1000:8.0f} ms  {sizes[output] / 1024:7.0f} KiB  "
            f"ratio {ratio:4.2f} (target <= {RATIO_TARGET:g}: {verdict})"
        )


if __name__ == "__main__":
    main()
