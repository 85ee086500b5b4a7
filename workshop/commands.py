"""`flask` commands: create-user, seed-demo, create-station-token, verify-audit, backup,
restore, import-stock, verify-stock.

They answer in English, like the README.
"""

from datetime import UTC
from pathlib import Path

import click
from flask import Flask
from flask_babel import force_locale

from workshop.instance_lock import InstanceBusy
from workshop.services import (
    accounts,
    audit_log,
    backup,
    demo,
    restore,
    stations,
    stock,
    stock_import,
)
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
        print_accounts(demo.seed(history=True))

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

    @app.cli.command("verify-audit")
    def verify_audit() -> None:
        """Check the audit log's chain of hashes from the first event to the last."""
        check = audit_log.verify()
        if check.broken is None:
            click.echo(f"Checked {check.checked} audit events: the chain holds.")
            return
        event = check.broken
        moment = event.at.astimezone(UTC) if event.at.tzinfo else event.at  # stored in UTC
        what = audit_log.explain(check)
        click.echo(
            f"Audit event {event.id} ({event.action} of {event.entity} {event.entity_key}, "
            f"{moment:%Y-%m-%d %H:%M:%S} UTC) does not hold: {what}. "
            f"The {check.checked} events before it hold.",
            err=True,
        )
        raise SystemExit(1)

    @app.cli.command("backup")
    @click.argument("directory", required=False, type=click.Path(path_type=Path))
    def backup_command(directory: Path | None) -> None:
        """Back up the database and the photos into a new folder in DIRECTORY (default: the
        backup folder), while the app runs."""
        try:
            written = backup.make_backup(directory)
        except ServiceError as error:
            raise _failure(error) from None
        click.echo(f"Backed up to {written}.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(path_type=Path, exists=True, file_okay=False))
    def restore_command(path: Path) -> None:
        """Restore the backup folder PATH into this instance, which must not be served now."""
        try:
            report = restore.restore(path, Path(app.instance_path))
        except InstanceBusy as holder:
            raise click.ClickException(
                f"Not restored: the app is being served from this instance folder ({holder}). "
                "Stop it first."
            ) from None
        except ServiceError as error:
            raise _failure(error, "Not restored: ") from None
        for line in report.lines():
            click.echo(line)

    @app.cli.command("import-stock")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check the file and show what it would make.")
    def import_stock(file: Path, dry_run: bool) -> None:
        """Bring existing stock in from a CSV file (part,quantity,place,source,lot): all of it,
        or nothing when a line is wrong."""
        try:
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise click.ClickException(f"{file} is not UTF-8 text; save it as CSV UTF-8.") from None
        with force_locale("en"):
            try:
                imported = stock_import.import_stock(text, dry_run=dry_run)
            except stock_import.ImportRefused as refused:
                for problem in refused.problems:
                    click.echo(problem, err=True)
                raise click.ClickException("Nothing was imported.") from None
            except ServiceError as error:
                raise _failure(error) from None
        for made in imported.made:
            click.echo(f"{'Would make' if dry_run else 'Made'} {made}")
        for code, part, quantity, place in imported.lots:
            click.echo(f"{code or '(new lot)':<24} {quantity:>7}  {part}  @ {place}")
        if dry_run:
            click.echo(f"Dry run: {len(imported.lots)} lots would be made; nothing was written.")
        else:
            click.echo(f"Imported {len(imported.lots)} lots.")

    @app.cli.command("verify-stock")
    def verify_stock() -> None:
        """Recompute every lot from the stock ledger; list those that disagree (exit 1)."""
        wrong = stock.disagreements()
        for lot in wrong:
            click.echo(f"{lot.code}: the lot says {lot.quantity}, its ledger {lot.ledger}")
        if wrong:
            raise click.ClickException(f"{_lots(len(wrong))} with the stock ledger.")
        click.echo(f"{_lots(stock.lot_count(), agree=True)} with the stock ledger.")


def _lots(count: int, agree: bool = False) -> str:
    """The count of lots with its verb: "1 lot disagrees", "2 lots agree"."""
    verb = "agree" if agree else "disagree"
    return f"{count} lot {verb}s" if count == 1 else f"{count} lots {verb}"


def _failure(error: ServiceError, lead: str = "") -> click.ClickException:
    with force_locale("en"):
        return click.ClickException(lead + str(error.message))


def print_accounts(created: list[demo.DemoAccount]) -> None:
    click.echo("Demo accounts (name / PIN / role):")
    for account in created:
        click.echo(f"  {account.name:<12} {account.pin}  {account.role.value}")
    click.echo("Each has a badge, printed from the labels page: a scan instead of the name.")
