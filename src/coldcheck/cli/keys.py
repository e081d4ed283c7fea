"""The deployment's signing key as others check it, and its rotation: `coldcheck key show`,
`coldcheck key rotate`."""

from __future__ import annotations

import hashlib

import typer

from coldcheck import keyfiles
from coldcheck.cli.context import console, ctx_of, handled
from coldcheck.cli.output import emit, json_mode
from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck

key = typer.Typer(
    help="The signing key: what others need to check the record.", no_args_is_help=True
)


def fingerprint(public: bytes) -> str:
    return f"SHA256:{hashlib.sha256(public).hexdigest()}"


def _history(app: ColdCheck, pid: str) -> list[dict[str, object]]:
    return [
        {"from_seq": size, "fingerprint": fingerprint(public), "public_key": public.hex()}
        for size, public in app.key_history(pid)
    ]


def show(ctx: typer.Context) -> None:
    """Print the public key, its fingerprint, each production's checkpoint vkey and the
    key history of its log (each key's fingerprint, and from which seq it signs)."""
    with handled():
        cx = ctx_of(ctx)
        app = cx.app
        public = app.public_key()
        if json_mode():
            emit(
                {
                    "public_key": public.hex(),
                    "fingerprint": fingerprint(public),
                    "key_id": app.key.key_id(),
                    "deployment": app.deployment,
                    "vkeys": {pid: app.log_key(pid).vkey() for pid in app.production_ids()},
                    "history": {pid: _history(app, pid) for pid in app.production_ids()},
                }
            )
            return
        console.print(f"public key: {public.hex()}")
        console.print(f"fingerprint: {fingerprint(public)}")
        console.print(f"key id: {app.key.key_id()}")
        console.print(f"deployment: {app.deployment}")
        for pid in app.production_ids():
            console.print(f"vkey {pid}: {app.log_key(pid).vkey()}")
        for pid in app.production_ids():
            for entry in _history(app, pid):
                console.print(
                    f"key history {pid}: from #{entry['from_seq']} {entry['fingerprint']}"
                )


def rotate(ctx: typer.Context) -> None:
    """Rotate the signing key: a new key, and a rotation signed by the old and the new
    key in every production's log. Refused if any production does not verify first.

    The new key is staged beside the old one (`<key>.next`, made durable) before anything
    is recorded; once every production's rotation is, the old key moves into
    `retired-keys/` (its number and key id in the name) and the new one takes its place.
    Stop the server first, and start it again after. Interrupted part way, run it again:
    it carries on with the staged key."""
    with handled():
        cx = ctx_of(ctx)
        app = cx.app
        key_file = cx.settings.key_file
        staged = keyfiles.next_path(key_file)
        new = SigningKey.load(staged) if staged.exists() else None
        for pid in app.production_ids():
            report = app.verify(pid)
            if not report.ok and new is not None:  # rotated already, before an interruption
                report = app.verify(pid, public_key=new.public_key_bytes())
            if not report.ok:
                raise IntegrityError(
                    f"{pid} does not verify, so its key is not rotated (nothing was): "
                    f"first bad event #{report.first_bad_seq}: {report.problem}",
                    report.first_bad_seq,
                )
        old = app.key
        if new is None:
            new = SigningKey.generate()
            new.save(staged)
        rotated = app.rotate_key(new)
        retired = keyfiles.retire(key_file, old)
        rotations = {pid: rec.seq for pid, rec in rotated}
        result = {
            "old_fingerprint": fingerprint(old.public_key_bytes()),
            "new_fingerprint": fingerprint(new.public_key_bytes()),
            "retired_key_file": str(retired),
            "rotations": rotations,
        }
        if json_mode():
            emit(result)
            return
        console.print(f"old key: {result['old_fingerprint']} (kept in {retired})")
        console.print(f"new key: {result['new_fingerprint']}")
        for pid, seq in rotations.items():
            console.print(f"rotated {pid} at #{seq}")


key.command("show")(show)
key.command("rotate")(rotate)
