"""`coldcheck witness`: a C2SP witness of its own (witness/), with its own key file and
database, for another party to run beside or away from the log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from coldcheck.cli.context import console, ctx_of, handled
from coldcheck.cli.output import emit, json_mode
from coldcheck.domain.errors import InvalidCommand
from coldcheck.ledger import CosignatureVerifier, SigningKey
from coldcheck.store.witness import WitnessStore
from coldcheck.witness import client
from coldcheck.witness.core import Witness, default_name
from coldcheck.witness.http import create_witness_app

witness = typer.Typer(
    help="A C2SP witness: cosigns checkpoints consistent with what it cosigned before.",
    no_args_is_help=True,
)

Database = Annotated[str, typer.Option(help="The witness's own database URL.")]
KeyFile = Annotated[Path, typer.Option(help="The witness's own signing key (made if missing).")]
Name = Annotated[str | None, typer.Option(help="Its cosigning key's name (default: from the key).")]
DEFAULT_DATABASE = "sqlite:///coldcheck-witness.db"
DEFAULT_KEY = Path("coldcheck-witness.key")


def _cosigner(key_file: Path, name: str | None) -> tuple[SigningKey, CosignatureVerifier]:
    signing = SigningKey.load_or_create(key_file)
    try:
        return signing, CosignatureVerifier(
            name or default_name(signing), signing.public_key_bytes()
        )
    except ValueError as exc:
        raise InvalidCommand(f"--name: {exc}") from None


def _open(database: str, key_file: Path, name: str | None) -> Witness:
    signing, cosigner = _cosigner(key_file, name)
    return Witness(WitnessStore(database), signing, cosigner.name)


def serve(
    database: Database = DEFAULT_DATABASE,
    key_file: KeyFile = DEFAULT_KEY,
    name: Name = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8100,
) -> None:
    """Serve POST /add-checkpoint, the cosigned checkpoints, /alarms and /key."""
    with handled():
        w = _open(database, key_file, name)
        if json_mode():
            emit({"name": w.name, "vkey": w.verifier.vkey(), "url": f"http://{host}:{port}"})
        else:
            typer.echo(f"witness {w.name}: {w.verifier.vkey()}")
        uvicorn.run(create_witness_app(w), host=host, port=port, log_level="warning")


def trust(
    vkey: Annotated[str, typer.Argument(help="The log's vkey (coldcheck key show).")],
    database: Database = DEFAULT_DATABASE,
    key_file: KeyFile = DEFAULT_KEY,
) -> None:
    """Trust a log: cosign checkpoints its key signed."""
    with handled():
        try:
            origin = _open(database, key_file, None).trust(vkey)
        except ValueError as exc:
            raise InvalidCommand(f"not a log's vkey: {exc}") from None
        if json_mode():
            emit({"trusted": origin, "vkey": vkey})
            return
        typer.echo(f"trusted: {origin}")


def key(key_file: KeyFile = DEFAULT_KEY, name: Name = None) -> None:
    """Print the witness's cosigning vkey, for the logs' clients to trust."""
    with handled():
        cosigner = _cosigner(key_file, name)[1]
        if json_mode():
            emit({"name": cosigner.name, "vkey": cosigner.vkey()})
            return
        # Never through Rich, which wraps at the terminal's width: `V=$(… witness key)`
        # must hold the whole vkey.
        typer.echo(cosigner.vkey())


def submit(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The witness's URL, e.g. http://127.0.0.1:8100")],
    witness_vkey: Annotated[
        str | None, typer.Option(help="Check its cosignature with this vkey (witness key).")
    ] = None,
) -> None:
    """Ask a witness to cosign the production's checkpoint; print the cosigned note."""
    with handled():
        cx = ctx_of(ctx)
        try:
            cosigner = CosignatureVerifier.from_vkey(witness_vkey) if witness_vkey else None
        except ValueError as exc:
            raise InvalidCommand(f"--witness-vkey: {exc}") from None
        note = client.submit(cx.app, cx.production_id(), url, cosigner)
        if json_mode():
            emit({"url": url, "note": note, "checked": cosigner is not None})
            return
        typer.echo(note, nl=False)


def alarms(database: Database = DEFAULT_DATABASE) -> None:
    """Print every alarm: checkpoints a log signed that do not fit what was cosigned."""
    with handled():
        found = WitnessStore(database).alarms()
        if json_mode():
            emit(found)
            return
        for a in found:
            console.print(f"#{a.id} {a.origin} at {a.at}: {a.kind}: {a.detail}")


for fn, command in (
    (serve, "serve"),
    (trust, "trust"),
    (key, "key"),
    (alarms, "alarms"),
    (submit, "submit"),
):
    witness.command(command)(fn)
