"""`python -m workshop`: migrate, seed demo data on first start, serve with waitress."""

import os

import click
from flask_migrate import upgrade
from waitress import serve

from workshop import create_app
from workshop.commands import print_accounts
from workshop.services import demo


def main() -> None:
    app = create_app()
    with app.app_context():
        upgrade()
        if demo.is_empty():
            print_accounts(demo.seed())
    port = int(os.environ.get("PORT", "5000"))
    host = os.environ.get("HOST", "0.0.0.0")
    click.echo(f"Workshop build tracker on http://{host}:{port}/ (Ctrl+C stops it)")
    serve(app, host=host, port=port, threads=8)


if __name__ == "__main__":
    main()
