"""Dossiers with proof bundles, and the standalone bundle verifier."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from coldcheck import bundle, keyfiles
from coldcheck.cli.context import console, ctx_of, handled, parse_time, styled, today
from coldcheck.cli.output import emit, json_mode
from coldcheck.domain.errors import IntegrityError, InvalidCommand
from coldcheck.ledger import CosignatureVerifier, SignedCheckpoint, SigningKey, parse_json
from coldcheck.reports import boundbook, daily, render
from coldcheck.reports import dossier as dossier_mod


def dossier(
    ctx: typer.Context,
    incident: Annotated[str | None, typer.Option(help="An incident id.")] = None,
    item: Annotated[str | None, typer.Option(help="An item id.")] = None,
    person: Annotated[str | None, typer.Option(help="A person id.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Window start, local time.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Window end, local time.")] = None,
    out: Annotated[Path, typer.Option(help="Folder for dossier.html, .pdf, bundle.json.")] = Path(
        "dossier"
    ),
    since: Annotated[
        Path | None,
        typer.Option(
            help="A checkpoint you kept (coldcheck checkpoint --export): add a consistency "
            "proof that the log only grew since."
        ),
    ] = None,
) -> None:
    """Answer the seven questions for a scope, in HTML and PDF, with a proof bundle."""
    with handled():
        cx = ctx_of(ctx)
        pid = cx.production_id()
        tz = cx.tz()
        old = None if since is None else _kept_checkpoint(since)
        d = dossier_mod.build(
            cx.app,
            pid,
            incident=incident,
            item=item,
            person=person,
            start=parse_time(start, tz),
            end=parse_time(end, tz),
        )
        proof = bundle.dumps(bundle.build(cx.app, pid, d.cited, since=old))
        data = render.pdf(d, render.Proof.of(proof))  # names bundle.json's SHA-256
        out.mkdir(parents=True, exist_ok=True)
        (out / "dossier.html").write_text(render.html(d), encoding="utf-8")
        (out / "dossier.pdf").write_bytes(data)
        (out / "bundle.json").write_bytes(proof.encode())  # the bytes the PDF names
        if json_mode():
            emit(
                {
                    "scope": d.scope,
                    "cited": sorted(d.cited),
                    "files": [str(out / n) for n in ("dossier.html", "dossier.pdf", "bundle.json")],
                }
            )
            return
        console.print(f"dossier on {d.scope}: {len(d.cited)} cited events")
        for name in ("dossier.html", "dossier.pdf", "bundle.json"):
            console.print(f"  {out / name}")


def _kept_checkpoint(path: Path) -> SignedCheckpoint:
    """The checkpoint in a file from `coldcheck checkpoint --export`, or exit 2 saying why
    it is not one. Whether the log extends it is the bundle's to check (exit 5)."""
    try:
        return SignedCheckpoint.from_dict(parse_json(path.read_bytes()))
    except (OSError, ValueError, RecursionError) as exc:
        problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InvalidCommand(f"--since {path}: not a checkpoint file ({problem})") from None


def _witnesses(vkeys: list[str], quorum: int) -> list[CosignatureVerifier]:
    """The trusted witnesses, or exit 2 naming the vkey or quorum that cannot be."""
    out = []
    for vkey in vkeys:
        try:
            out.append(CosignatureVerifier.from_vkey(vkey))
        except ValueError as exc:
            raise InvalidCommand(f"--witness {vkey!r}: {exc}") from None
    if quorum > len(out):
        raise InvalidCommand(f"--quorum {quorum}: only {len(out)} --witness given")
    return out


def verify_bundle(
    file: Path,
    key: Annotated[
        str | None, typer.Option(help="The production's public key (hex) you trust.")
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(help="Or the signing key file (its retired keys are trusted too)."),
    ] = None,
    witness: Annotated[
        list[str] | None,
        typer.Option(help="A witness's cosigning vkey you trust (repeatable)."),
    ] = None,
    quorum: Annotated[
        int, typer.Option(min=0, help="How many of those witnesses must have cosigned.")
    ] = 0,
) -> None:
    """Check a proof bundle with nothing else: no database, no server."""
    with handled():
        cosigners = _witnesses(witness or [], quorum)
        trusted: bytes | list[bytes] | None = None
        if key:
            trusted = bytes.fromhex(key)
        elif key_file:
            # A log's key history starts at the key it was created under: the key in
            # force, or one it rotated from (kept in retired-keys/).
            trusted = [SigningKey.load(key_file).public_key_bytes()] + [
                SigningKey.load(path).public_key_bytes() for _, path in keyfiles.retired(key_file)
            ]
        try:
            text = file.read_bytes()
        except OSError as exc:
            raise InvalidCommand(f"cannot read {file}: {exc}") from None
        report = bundle.verify_bundle(text, trusted, cosigners, quorum)
        if not report.ok:
            raise IntegrityError(f"bundle does NOT verify: {report.problem}")
        if json_mode():
            emit(
                {
                    "ok": True,
                    "production_id": report.production,
                    "tree_size": report.tree_size,
                    "proven": list(report.proven),
                    "consistent_since": report.consistent_since,
                    "key_trusted": trusted is not None,
                    # each trusted witness that cosigned a size holding every proven event
                    "witnessed": dict(sorted(report.witnessed.items())),
                    "quorum": quorum,
                }
            )
            return
        console.print(
            styled(
                ("bundle verifies", "green"),
                f": {report.production}, checkpoint of {report.tree_size} "
                f"events, {len(report.proven)} events proven: "
                + ", ".join(f"#{n}" for n in report.proven),
            )
        )
        for name, size in sorted(report.witnessed.items()):
            console.print(f"witness {name} cosigned size {size}, which this checkpoint extends")
        if report.consistent_since is not None:
            console.print(
                f"the log only grew since the earlier checkpoint at size {report.consistent_since}"
            )
        if trusted is None:
            console.print(
                styled(
                    ("note", "yellow"),
                    ": checked against the key inside the "
                    "bundle; pass --key with the production's public key to "
                    "trust it",
                )
            )


def daily_report(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today).")] = None,
) -> None:
    """The day's safety report: custody, lots reconciled, concerns, incidents, gaps."""
    with handled():
        cx = ctx_of(ctx)
        day = date or today(cx.tz())
        r = daily.build(cx.app, cx.production_id(), day)
        if json_mode():
            emit(r)  # the API's daily-report document
            return
        console.print(styled((f"Daily safety report, {r.production_id}, {r.date}", "bold")))
        lots = Table(title="Ammunition")
        for col in (
            "lot",
            "received",
            "issued",
            "fired",
            "returned",
            "missing",
            "on hand",
            "reconciled",
        ):
            lots.add_column(col)
        for lot in r.lots:
            lots.add_row(
                lot.lot_id,
                *(
                    str(n)
                    for n in (
                        lot.received,
                        lot.issued,
                        lot.fired,
                        lot.returned,
                        lot.missing,
                        lot.on_hand,
                    )
                ),
                "yes" if lot.balanced else styled(("DIFFERENCE", "bold red")),
            )
        console.print(lots)
        console.print("Custody at close: " + "; ".join(f"{i}: {w}" for i, w in r.custody))
        for seq, item, label, by in r.inspections:
            console.print(f"  inspection #{seq}: {item} {label} by {by}")
        for cid, hours, text, waiting in r.open_concerns:
            console.print(
                f"  open concern {cid}, {hours} h old: {text} (waiting for "
                f"{', '.join(waiting) or 'nobody'})"
            )
        for seq, iid, kind, reviewed in r.incidents:
            console.print(
                f"  incident {iid} #{seq}: {kind}, {'reviewed' if reviewed else 'AWAITING REVIEW'}"
            )
        for scene, person, code, detail in r.training_gaps:
            console.print(f"  tomorrow {scene}: {person} would be refused {code}: {detail}")
        if not r.training_gaps:
            console.print("  no training gaps for tomorrow's scenes")


def bound_book(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(help="Write here (default stdout).")] = None,
) -> None:
    """Acquisitions and dispositions of firearms as CSV (27 CFR 478.125(e) fields)."""
    with handled():
        cx = ctx_of(ctx)
        pid = cx.production_id()
        table = boundbook.rows(cx.app.records(pid), cx.app.state(pid).timezone)
        if json_mode() and out is None:
            emit(table)
            return
        text = boundbook.to_csv(table)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
            if json_mode():
                emit({"bound_book": str(out), "rows": len(table)})
                return
            console.print(f"wrote {out}")
