"""`python -m workshop`: migrate, seed demo data on a first demo start, serve with waitress
(HTTP) or, with `--https`, with cheroot and the workshop's own certificate."""

import os
import sys
from pathlib import Path

import click
from flask_migrate import upgrade
from waitress import serve

from workshop import create_app, tls
from workshop.commands import print_accounts
from workshop.services import demo

FIRST_ADMIN = "flask --app workshop create-user NAME --role admin --pin PIN"
THREADS = 8


def wants_demo(environ: os._Environ | dict[str, str]) -> bool:
    """Demo data (and its accounts, whose PINs the README prints) only where it can do no harm.

    WORKSHOP_DEMO=1 or 0 decides; without it, only the embedded default database (SQLite in the
    instance folder) gets it. A database given by DATABASE_URL is a real one: it starts empty.
    """
    if (choice := environ.get("WORKSHOP_DEMO", "").strip()) in {"0", "1"}:
        return choice == "1"
    return not environ.get("DATABASE_URL")


def urls(host: str, port: int, scheme: str = "http") -> list[str]:
    """Addresses a browser can open: loopback first, then this machine's LAN addresses.

    Never 0.0.0.0 (it means "every address" to a server, nothing to a tablet).
    """
    if host not in {"0.0.0.0", "", "::"}:
        return [f"{scheme}://{host}:{port}/"]
    return [f"{scheme}://{address}:{port}/" for address in ["127.0.0.1", *tls.lan_addresses()]]


def wants_https(argv: list[str], environ: os._Environ | dict[str, str]) -> bool:
    """`python -m workshop --https` or WORKSHOP_HTTPS=1: serve HTTPS (tablet cameras need it)."""
    return "--https" in argv or environ.get("WORKSHOP_HTTPS", "").strip() == "1"


def main() -> None:
    https = wants_https(sys.argv[1:], os.environ)
    app = create_app()
    with app.app_context():
        upgrade()
        if demo.is_empty():
            if wants_demo(os.environ):
                print_accounts(demo.seed())
            else:
                click.echo("No accounts yet. Create the first admin, then log in with it:")
                click.echo(f"  {FIRST_ADMIN}")
    port = int(os.environ.get("PORT", "5000"))
    host = os.environ.get("HOST", "0.0.0.0")
    click.echo("Workshop build tracker (Ctrl+C stops it), open it on a tablet or here at:")
    for url in urls(host, port, "https" if https else "http"):
        click.echo(f"  {url}")
    if not https:
        serve(app, host=host, port=port, threads=THREADS)
        return
    files = tls.ensure_certificate(Path(app.instance_path))
    click.echo(f"Tablets trust this workshop's certificate once: install {files.ca} (see README).")
    server = tls.https_server(app, host, port, files, THREADS)
    try:
        server.safe_start()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
