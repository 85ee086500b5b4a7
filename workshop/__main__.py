"""`python -m workshop`: hold the instance folder's lock, migrate, seed demo data on a first demo
start, back up (now and once a day), serve with waitress (HTTP) or, with `--https`, with cheroot
and the workshop's own certificate."""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask_migrate import upgrade
from waitress import serve

from workshop import create_app, tls
from workshop.commands import print_accounts
from workshop.config import SettingError
from workshop.instance_lock import InstanceBusy, InstanceLock
from workshop.services import backup, demo, printing

FIRST_ADMIN = "flask --app workshop create-user NAME --role admin --pin PIN"


def wants_demo(settings: Mapping[str, Any]) -> bool:
    """Demo data (and its accounts, whose PINs the README prints) only where it can do no harm.

    WORKSHOP_DEMO=1 or 0 decides; without it, only the embedded default database (SQLite in the
    instance folder) gets it. A database given by DATABASE_URL is a real one: it starts empty.
    """
    if settings["DEMO"] is not None:
        return bool(settings["DEMO"])
    return settings["DATABASE_URL"] is None


def urls(host: str, port: int, scheme: str = "http") -> list[str]:
    """Addresses a browser can open: loopback first, then this machine's LAN addresses.

    Never 0.0.0.0 (it means "every address" to a server, nothing to a tablet).
    """
    if host not in {"0.0.0.0", "", "::"}:
        return [f"{scheme}://{host}:{port}/"]
    return [f"{scheme}://{address}:{port}/" for address in ["127.0.0.1", *tls.lan_addresses()]]


def wants_https(argv: list[str], settings: Mapping[str, Any]) -> bool:
    """`python -m workshop --https` or WORKSHOP_HTTPS=1: serve HTTPS (tablet cameras need it)."""
    return "--https" in argv or bool(settings["HTTPS"])


def main() -> None:
    try:
        app = create_app()
    except SettingError as error:
        raise SystemExit(f"Not started: {error}") from None
    # Held while the process lives: `flask restore` refuses to run under a serving app.
    try:
        lock = InstanceLock(Path(app.instance_path)).acquire()
    except InstanceBusy as holder:
        raise SystemExit(
            f"Not started: this instance folder is in use by {holder} (the app serving it, "
            "or a restore)."
        ) from None
    try:
        serve_instance(app)
    finally:
        lock.release()


def serve_instance(app: Flask) -> None:
    https = wants_https(sys.argv[1:], app.config)
    with app.app_context():
        upgrade()
        if demo.is_empty():
            if wants_demo(app.config):
                # Six weeks of history take a while; say so, or a first start looks stuck.
                click.echo("Writing the demo data (about half a minute, once)…")
                print_accounts(demo.seed(history=True))
            else:
                click.echo("No accounts yet. Create the first admin, then log in with it:")
                click.echo(f"  {FIRST_ADMIN}")
        if waiting := printing.resume_unfinished():
            click.echo(f"{waiting} print jobs left waiting by the last stop are sent now.")
            printing.worker().wake()
    keep = app.config["BACKUP_KEEP"]
    click.echo(f"Backups at start and once a day in {app.config['BACKUP_DIR']} (the last {keep}).")
    backup.start_daily(app, click.echo)
    port, host = app.config["PORT"], app.config["HOST"]
    click.echo("Workshop build tracker (Ctrl+C stops it), open it on a tablet or here at:")
    for url in urls(host, port, "https" if https else "http"):
        click.echo(f"  {url}")
    if not https:
        serve(app, host=host, port=port, threads=app.config["SERVER_THREADS"])
        return
    files = tls.ensure_certificate(Path(app.instance_path))
    click.echo(f"Tablets trust this workshop's certificate once: install {files.ca} (see README).")
    server = tls.https_server(app, host, port, files, app.config["SERVER_THREADS"])
    try:
        server.safe_start()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
