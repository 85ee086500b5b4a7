"""`python -m workshop`: migrate, seed demo data on a first demo start, serve with waitress."""

import ipaddress
import os
import socket

import click
from flask_migrate import upgrade
from waitress import serve

from workshop import create_app
from workshop.commands import print_accounts
from workshop.services import demo

FIRST_ADMIN = "flask --app workshop create-user NAME --role admin --pin PIN"


def wants_demo(environ: os._Environ | dict[str, str]) -> bool:
    """Demo data (and its accounts, whose PINs the README prints) only where it can do no harm.

    WORKSHOP_DEMO=1 or 0 decides; without it, only the embedded default database (SQLite in the
    instance folder) gets it. A database given by DATABASE_URL is a real one: it starts empty.
    """
    if (choice := environ.get("WORKSHOP_DEMO", "").strip()) in {"0", "1"}:
        return choice == "1"
    return not environ.get("DATABASE_URL")


def urls(host: str, port: int) -> list[str]:
    """Addresses a browser can open: loopback first, then this machine's LAN addresses.

    Never 0.0.0.0 (it means "every address" to a server, nothing to a tablet). The LAN addresses
    come from the host's own name (the hosts file or the local resolver); nothing is sent out.
    """
    if host not in {"0.0.0.0", "", "::"}:
        return [f"http://{host}:{port}/"]
    found = [f"http://127.0.0.1:{port}/"]
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        infos = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        url = f"http://{address}:{port}/"
        if (
            not (address.is_loopback or address.is_unspecified or address.is_link_local)
            and url not in found
        ):
            found.append(url)
    return found


def main() -> None:
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
    for url in urls(host, port):
        click.echo(f"  {url}")
    serve(app, host=host, port=port, threads=8)


if __name__ == "__main__":
    main()
