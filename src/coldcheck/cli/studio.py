"""`coldcheck studio`: replication of a production's record to a studio server.

On the studio: `credential` (a production's credential, printed once), `productions` (each
copy, verified now: what it holds, what stands open on set, what the watched witnesses
say) and `alarms`; `watch`, `unwatch`, `watched` (the witnesses it polls) and
`poll-witnesses` (one poll now; `serve` polls by itself). On
the set: `link` (where to push, and the file holding the credential), `sync` (one push
now; `serve` pushes by itself), `status`, and `restore` (a lost set, from the studio).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from coldcheck.api.schemas import VerifyOut
from coldcheck.cli.context import console, ctx_of, handled, styled
from coldcheck.cli.output import emit, json_mode
from coldcheck.config import studio_key_file
from coldcheck.domain.errors import IntegrityError, InvalidCommand
from coldcheck.ledger import CosignatureVerifier, SigningKey
from coldcheck.reports.text import visible
from coldcheck.service import ColdCheck
from coldcheck.store.studio_links import Link
from coldcheck.studio import overview, push, watching
from coldcheck.studio import restore as restoring
from coldcheck.studio.client import StudioClient, read_token
from coldcheck.studio.ingest import Studio
from coldcheck.studio.productions import StudioProductionOut
from coldcheck.studio.witness_view import WitnessSeen

studio = typer.Typer(
    help="Replication to the studio: a record nobody on set can rewrite.",
    no_args_is_help=True,
)

Production = Annotated[str, typer.Argument(help="The production's id.")]
Url = Annotated[str, typer.Argument(help="The studio's URL, e.g. https://studio.example")]
TokenFile = Annotated[
    Path, typer.Option(help="The file holding the production's studio credential.")
]


def credential(ctx: typer.Context, production: Production) -> None:
    """On the studio: make the production's credential (replacing any) and print it once;
    only its hash is kept. Hand it to the set's operator, who puts it in a file."""
    with handled():
        s = Studio(ctx_of(ctx).app.studio_rows(), SigningKey.load_or_create(studio_key_file()))
        token = s.make_credential(production)
        if json_mode():
            emit({"production_id": production, "credential": token})
            return
        typer.echo(token)  # whole, never wrapped: it is copied into a file


def alarms(ctx: typer.Context, production: Annotated[str | None, typer.Argument()] = None) -> None:
    """On the studio: pushes the production's key signed that do not fit the copy."""
    with handled():
        found = ctx_of(ctx).app.studio_rows().alarms(production)
        if json_mode():
            emit(found)
            return
        for a in found:
            console.print(
                styled((f"#{a.id} {a.production_id}", "bold red"), f" {a.kind}: {a.detail}")
            )


def productions(ctx: typer.Context) -> None:
    """On the studio: every production it keeps a copy of, verified now: the last sync,
    the size cosigned, stand-downs, open concerns and incidents, alarms, and what each
    watched witness cosigned. Exit 5 when a copy does not verify, a push or a witness
    raised an alarm, or a witness cosigned another root (every copy is still listed)."""
    with handled():
        app = ctx_of(ctx).app
        found = overview.productions(
            app.studio_rows(), overview.cosigner_of(studio_key_file()), app.watch_rows()
        )
        if json_mode():
            emit([StudioProductionOut.of(p) for p in found])  # the API's own shape
        else:
            for p in found:
                _print_production(p)
    if any(p.status == "failed" or p.alarmed for p in found):
        raise typer.Exit(5)


def _print_production(p: overview.ProductionView) -> None:
    if p.status == "awaiting":
        console.print(styled((p.production_id, "bold"), ": a credential, no push yet"))
    elif p.status == "failed":
        console.print(
            styled((p.production_id, "bold red"), f": the copy does not verify: {p.problem}")
        )
    else:
        stood = f"STAND-DOWN ({', '.join(p.stand_down)})" if p.stand_down else "no stand-down"
        console.print(
            styled(
                (p.production_id, "bold"),
                f" {p.name}: {p.size} events, cosigned at {p.cosigned_size} by "
                f"{', '.join(p.cosigned_by) or 'nobody'}; {stood}; "
                f"{len(p.concerns)} open concerns, {len(p.incidents)} open incidents",
            )
        )
        for c in p.concerns:
            console.print(styled("  concern ", (c.id, "bold"), f": {c.text}"))
        for i in p.incidents:
            console.print(styled("  incident ", (i.id, "bold"), f" ({i.kind}): {i.description}"))
    for a in p.alarms:
        first = f", first inconsistent size {a.first_inconsistent}" if a.first_inconsistent else ""
        console.print(styled("  alarm ", (a.kind, "bold red"), f"{first}: {a.detail}"))
    for w in p.witnesses:
        console.print(styled("  witness ", (w.name, "bold"), f": {_witness_words(w, p.size)}"))
    for wa in p.witness_alarms:
        offered = f", offered size {wa.offered_size}" if wa.offered_size is not None else ""
        first = (
            f", first inconsistent size {wa.first_inconsistent}"
            if wa.first_inconsistent is not None
            else ""
        )
        console.print(
            styled(
                "  witness alarm ",
                (f"{wa.witness} {wa.kind}", "bold red"),
                f"{offered}{first}: {wa.detail}",
            )
        )


def _witness_words(w: WitnessSeen, size: int) -> str:
    reach = {None: "not polled yet; ", True: ""}.get(w.reachable, f"UNREACHABLE ({w.last_error}); ")
    if w.cosigned_size is None:
        return f"{reach}no cosigned checkpoint seen"
    agrees = {
        "agrees": "agrees with the copy",
        "beyond": f"beyond the copy's {size} events",
        "disagrees": f"ANOTHER ROOT than the copy at size {w.first_inconsistent}",
    }.get(w.agrees or "", "")
    return f"{reach}cosigned size {w.cosigned_size}, {agrees}".rstrip(", ")


Name = Annotated[str, typer.Argument(help="The studio's word for the witness.")]


def watch(
    ctx: typer.Context,
    name: Name,
    url: Annotated[str, typer.Argument(help="The witness's URL, e.g. https://witness.example")],
    vkey: Annotated[str, typer.Argument(help="Its cosigning vkey (`coldcheck witness key`).")],
) -> None:
    """On the studio: watch a witness: poll its alarms about the productions kept here,
    and its cosigned checkpoint of each (an administrator of the studio's server)."""
    with handled():
        watching.verifier_of(vkey)  # refused now, not at the first poll
        if not url.startswith(("http://", "https://")):
            raise InvalidCommand(f"not an HTTP URL: {url}")
        ctx_of(ctx).app.watch_rows().watch(name, url.rstrip("/"), vkey, time.time_ns() // 1000)
        if json_mode():
            emit({"name": name, "url": url.rstrip("/"), "vkey": vkey})
            return
        console.print(styled((name, "bold"), f": watched at {url}; polled by `serve`"))


def unwatch(ctx: typer.Context, name: Name) -> None:
    """On the studio: stop watching a witness (its alarms stay: they are evidence)."""
    with handled():
        ctx_of(ctx).app.watch_rows().unwatch(name)
        if json_mode():
            emit({"name": name, "watched": False})
            return
        console.print(styled((name, "bold"), ": no longer watched"))


def watched(ctx: typer.Context) -> None:
    """On the studio: the witnesses it watches, and how its last poll of each went."""
    with handled():
        found = ctx_of(ctx).app.watch_rows().watched()
        if json_mode():
            emit(found)
            return
        for w in found:
            how = (
                "not polled yet"
                if w.polled_at is None
                else f"UNREACHABLE: {w.last_error}"
                if w.last_error
                else "reached at its last poll"
            )
            console.print(styled((w.name, "bold"), f" {w.url}: {how}"))


def poll_witnesses(ctx: typer.Context) -> None:
    """On the studio: poll every watched witness now (`serve` polls every
    COLDCHECK_STUDIO_POLL_WITNESSES_EVERY_S seconds). Exit 5 if one is unreachable."""
    with handled():
        done = watching.poll_all(ctx_of(ctx).app)
        if json_mode():
            emit(done)
        else:
            for d in done:
                words = (
                    f"{d.alarms} new alarms, {d.checkpoints} cosigned checkpoints verified"
                    if d.reached
                    else f"UNREACHABLE: {d.error}"
                )
                console.print(styled((d.witness, "bold"), f": {words}"))
    if any(not d.reached for d in done):
        raise typer.Exit(5)


def link(
    ctx: typer.Context,
    production: Production,
    url: Url,
    token_file: TokenFile,
    studio_vkey: Annotated[
        str | None, typer.Option(help="Pin the studio's cosigning vkey now (else: on first sync).")
    ] = None,
) -> None:
    """On the set: push the production to this studio (the credential stays in its file
    and is never printed)."""
    with handled():
        cx = ctx_of(ctx)
        read_token(token_file)
        StudioClient(url, production, "")  # the URL's form, checked now
        if studio_vkey is not None:
            try:
                CosignatureVerifier.from_vkey(studio_vkey)
            except ValueError as exc:
                raise InvalidCommand(f"--studio-vkey: {exc}") from None
        cx.app.state(production)  # a production of this set, whose log verifies
        cx.app.studio_links().link(production, url, str(token_file.resolve()), studio_vkey)
        if json_mode():
            emit(_link_of(cx.app, cx.app.studio_links().get(production)))
            return
        typer.echo(visible(f"{production} is pushed to {url}"))


def sync(ctx: typer.Context, production: Annotated[str | None, typer.Argument()] = None) -> None:
    """On the set: push the production's new events to its studio now."""
    with handled():
        cx = ctx_of(ctx)
        pid = production or cx.production_id()
        done = push.sync(cx.app, pid)
        if json_mode():
            emit(done)  # the studio's size, what was sent, and the cosigned note
            return
        console.print(
            styled(
                (f"{pid}", "green"),
                f": the studio holds {done.size} events, cosigned (sent {done.sent} now)",
            )
        )


def status(ctx: typer.Context) -> None:
    """On the set: each linked production, how far its studio holds it, the last error."""
    with handled():
        app = ctx_of(ctx).app
        if json_mode():
            emit([_link_of(app, ln) for ln in app.studio_links().links()])
            return
        for ln in app.studio_links().links():
            behind = app.head_seq(ln.production_id) - ln.synced_size
            said = f"; last error: {ln.last_error}" if ln.last_error else ""
            console.print(
                f"{ln.production_id} → {ln.url}: the studio holds {ln.synced_size} "
                f"({behind} to send){said}"
            )


def restore(
    ctx: typer.Context,
    production: Production,
    url: Url,
    token_file: TokenFile,
    database: Annotated[
        str | None, typer.Option(help="The new database (default: --database-url).")
    ] = None,
) -> None:
    """Restore a lost set's production from the studio into a new database, verified
    with the signing key file (--key-file: restored separately, never sent)."""
    with handled():
        cx = ctx_of(ctx)
        if not cx.settings.key_file.exists():
            raise InvalidCommand(f"no signing key at {cx.settings.key_file}: restore it first")
        key = SigningKey.load(cx.settings.key_file)
        target = database or cx.settings.database_url
        report = restoring.restore(production, url, token_file, key, target)
        if not report.ok:
            raise IntegrityError(report.problem, report.first_bad_seq)
        if json_mode():
            emit({**VerifyOut.of(production, report).model_dump(), "database": target, "url": url})
            return
        console.print(
            styled(
                (f"{production}", "green"),
                f": {report.events} events and {report.checkpoints} checkpoints restored "
                f"into {target} and verified; pushes to {url} carry on from here",
            )
        )


def _link_of(app: ColdCheck, ln: Link) -> dict[str, object]:
    """A link as `studio status --json` shows it: never the credential, only its file."""
    return {
        "production_id": ln.production_id,
        "url": ln.url,
        "token_file": ln.token_file,
        "studio_vkey": ln.cosigner,
        "synced_size": ln.synced_size,
        "to_send": app.head_seq(ln.production_id) - ln.synced_size,
        "cosigned_note": ln.cosigned_note,
        "last_error": ln.last_error,
        "last_attempt_at": ln.last_attempt_at,
    }


for fn, name in (
    (credential, "credential"),
    (productions, "productions"),
    (alarms, "alarms"),
    (watch, "watch"),
    (unwatch, "unwatch"),
    (watched, "watched"),
    (poll_witnesses, "poll-witnesses"),
    (link, "link"),
    (sync, "sync"),
    (status, "status"),
    (restore, "restore"),
):
    studio.command(name)(fn)
