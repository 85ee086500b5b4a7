"""`flask` commands: create-user, seed-demo, create-station-token, backup.

They answer in English, like the README.
"""

from pathlib import Path

import click
from flask import Flask
from flask_babel import force_locale

from workshop.services import accounts, demo, stations
from workshop.services.backup import backup
from workshop.services.errors import ServiceError
from workshop.workflow import Role


def register(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("name")
    @click.option(
        "--role", type=click.Choice([r.value for r in Role]), default=Role.VOLUNTEER.value
    )
    @click.option("--pin", required=True, help="4 to 12 digits.")
    def create_user(name: str, role: str, pin: str) -> None:
        """Create an account (name or callsign, role, PIN)."""
        try:
            user = accounts.create_user(name, role, pin)
        except ServiceError as error:
            raise _failure(error) from None
        click.echo(f"Created {user.name} ({user.role}).")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Fill an empty database with demo drone types, units and accounts."""
        if not demo.is_empty():
            raise click.ClickException(
                "The database has data already; demo data goes only into an empty one."
            )
        print_accounts(demo.seed())

    @app.cli.command("create-station-token")
    @click.argument("name")
    def create_station_token(name: str) -> None:
        """Create a bench station's token and print it (shown this once only)."""
        try:
            row, token = stations.create_token(name, None)
        except ServiceError as error:
            raise _failure(error) from None
        click.echo(f"Station {row.name}: {token}")
        click.echo("Give it to the station as --token; it is not shown again.")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(path_type=Path))
    def backup_command(path: Path) -> None:
        """Write a consistent copy of the database to PATH while the app runs."""
        try:
            written = backup(path)
        except ServiceError as error:
            raise _failure(error) from None
        click.echo(f"Backed up to {written}.")


def _failure(error: ServiceError) -> click.ClickException:
    with force_locale("en"):
        return click.ClickException(str(error.message))


def print_accounts(created: list[demo.DemoAccount]) -> None:
    click.echo("Demo accounts (name / PIN / role):")
    for account in created:
        click.echo(f"  {account.name:<12} {account.pin}  {account.role.value}")
    click.echo("Each has a badge, printed from the labels page: a scan instead of the name.")
