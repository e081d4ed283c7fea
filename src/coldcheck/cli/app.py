"""Wires the command groups into one `coldcheck` app."""

from __future__ import annotations

from typing import Annotated

import typer

from coldcheck.cli import (
    actions,
    evidence,
    keys,
    lots,
    questions,
    record,
    rentals,
    reports,
    server,
    setup,
    studio,
    transfers,
    witness,
    witnesses,
)
from coldcheck.cli.context import Ctx
from coldcheck.cli.output import use_json
from coldcheck.config import ENV_ACTOR, ENV_DATABASE_URL, ENV_KEY_FILE, ENV_PRODUCTION, Settings

app = typer.Typer(
    name="coldcheck",
    help="ColdCheck: prop firearm safety on set. Custody, inspections chamber by chamber, "
    "rules that refuse the unsafe step, and a tamper-evident record.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main_options(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(help=f"Database URL (env {ENV_DATABASE_URL}; default sqlite:///coldcheck.db)"),
    ] = None,
    key_file: Annotated[
        str | None,
        typer.Option(help=f"Signing key file (env {ENV_KEY_FILE}; default coldcheck-signing.key)"),
    ] = None,
    production: Annotated[
        str | None,
        typer.Option(help=f"Production id (env {ENV_PRODUCTION}; default: the only one)"),
    ] = None,
    as_: Annotated[
        str | None, typer.Option("--as", help=f"Person id you act as (env {ENV_ACTOR})")
    ] = None,
    json_: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one JSON document on stdout, in the API's shapes: what was recorded, "
            "the answer, or the error's problem document (the exit code is the same).",
        ),
    ] = False,
) -> None:
    """Global options."""
    use_json(json_)
    ctx.obj = Ctx(Settings.load(database_url, key_file), production, as_)


for group, name in (
    (setup.production, "production"),
    (setup.person, "person"),
    (setup.location, "location"),
    (setup.item, "item"),
    (lots.supplier, "supplier"),
    (lots.lot, "lot"),
    (rentals.rental, "rental"),
    (actions.scene, "scene"),
    (actions.training, "training"),
    (actions.concern, "concern"),
    (evidence.evidence, "evidence"),
    (server.account, "account"),
    (keys.key, "key"),
    (witness.witness, "witness"),
    (studio.studio, "studio"),
    (witnesses.witnesses, "witnesses"),
    (transfers.unit, "unit"),
    (transfers.transfer, "transfer"),
):
    app.add_typer(group, name=name)

for fn, name in (
    (record.init, "init"),
    (record.demo, "demo"),
    (record.status, "status"),
    (record.log, "log"),
    (record.verify, "verify"),
    (record.checkpoint, "checkpoint"),
    (record.rules, "rules"),
    (reports.dossier, "dossier"),
    (reports.verify_bundle, "verify-bundle"),
    (reports.daily_report, "daily-report"),
    (reports.bound_book, "bound-book"),
    (record.backup, "backup"),
    (record.restore, "restore"),
    (server.serve, "serve"),
    (server.authz, "authz"),
    (actions.move, "move"),
    (actions.inspect, "inspect"),
    (actions.issue, "issue"),
    (actions.hand_over, "handover"),
    (actions.pre_check, "precheck"),
    (actions.take_back, "return"),
    (actions.meeting, "meeting"),
    (actions.incident, "incident"),
    (actions.review, "review"),
    (actions.close_day, "close-day"),
    (actions.correct, "correct"),
    (questions.who_held, "who-held"),
    (questions.declared, "declared"),
    (questions.chambers, "chambers"),
    (questions.trained, "trained"),
    (questions.concerns, "concerns"),
    (questions.authority, "authority"),
    (questions.incidents, "incidents"),
):
    app.command(name)(fn)


def main() -> None:
    """Entry point of the `coldcheck` script."""
    app()
