"""The deployment's signing key as others check it: `coldcheck key show`."""

from __future__ import annotations

import hashlib

import typer

from coldcheck.cli.context import console, ctx_of, handled
from coldcheck.cli.output import emit, json_mode

key = typer.Typer(
    help="The signing key: what others need to check the record.", no_args_is_help=True
)


def show(ctx: typer.Context) -> None:
    """Print the public key, its fingerprint, and each production's checkpoint vkey."""
    with handled():
        cx = ctx_of(ctx)
        app = cx.app
        public = app.public_key()
        if json_mode():
            emit(
                {
                    "public_key": public.hex(),
                    "fingerprint": f"SHA256:{hashlib.sha256(public).hexdigest()}",
                    "key_id": app.key.key_id(),
                    "deployment": app.deployment,
                    "vkeys": {pid: app.log_key(pid).vkey() for pid in app.production_ids()},
                }
            )
            return
        console.print(f"public key: {public.hex()}")
        console.print(f"fingerprint: SHA256:{hashlib.sha256(public).hexdigest()}")
        console.print(f"key id: {app.key.key_id()}")
        console.print(f"deployment: {app.deployment}")
        for pid in app.production_ids():
            console.print(f"vkey {pid}: {app.log_key(pid).vkey()}")


key.command("show")(show)
