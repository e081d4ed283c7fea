"""The handoff on the tablet: choose the scene, see what blocks it before touching a
chamber, then inspect and hand over in one step (HandOver: both recorded or neither);
and take back.

Nothing is answered for the armorer: no barrel, chamber or witness is pre-selected, and
the form is refused until every chamber was set. Speed comes from presets (the plan's
load, came back as issued), each a tap the record keeps (`entered`). Every error draws
the form again as it was sent, the PIN cleared, with the reason at the top.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.access import attest, gateway
from coldcheck.api import problems
from coldcheck.domain import commands as c
from coldcheck.domain import handoff
from coldcheck.domain.errors import ColdCheckError, InvalidCommand, NotFound, Refused
from coldcheck.domain.rules.inspection import WITNESS_ROLES
from coldcheck.domain.state import Item, Scene, State
from coldcheck.domain.values import AmmoType, Barrel, Chamber, Content, Entry
from coldcheck.web import advice, forms, search
from coldcheck.web.site import Site, Viewer

# What a chamber can hold on each form, in the order offered.
ISSUE_CONTENTS = (Content.DUMMY, Content.BLANK)
RETURN_CONTENTS = (Content.DUMMY, Content.BLANK, Content.SPENT)


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    service = site.service
    render, base, guarded = site.render, site.base, site.guarded

    def issue_view(
        request: Request,
        v: Viewer,
        pid: str,
        query: Mapping[str, str],
        status: int = 200,
        **extra: Any,
    ) -> Response:
        s = v.state
        now = service.clock()
        ctx: dict[str, Any] = {**base(v, pid), "values": {}, "error": "", "violations": ()}
        ctx.update(extra, by_rule=advice.by_rule)
        scene = s.scenes.get(query.get("scene", ""))
        item = _find_item(s, query.get("item", "") or query.get("q", ""))
        if query.get("q") and item is None:
            ctx["error"] = f"No item has the tag, id or serial “{query['q'][:60]}”."
        recipient = s.people.get(query.get("to", ""))
        if scene is None:
            scenes = _scenes(s, s.local_date(now))
            if item is not None:
                scenes = [sc for sc in scenes if item.id in sc.items]
            return render(
                request, "issue.html", status, step="scene", scenes=scenes, item=item, **ctx
            )
        if item is None or recipient is None:
            check = handoff.check_scene(s, v.person_id, now, scene.id)
            pairs = [p for p in check.pairs if item is None or p.item_id == item.id]
            return render(
                request,
                "issue.html",
                status,
                step="pair",
                scene=scene,
                check=check,
                pairs=pairs,
                item=item,
                **ctx,
            )
        pair = handoff.check_pair(s, v.person_id, now, scene.id, item.id, recipient.id)
        return render(
            request,
            "issue.html",
            status,
            # A form sent and refused comes back as it was sent, whatever blocks it now.
            step="form" if pair.ready or ctx["values"] else "blocked",
            scene=scene,
            item=item,
            recipient=recipient,
            pair=pair,
            presets=handoff.presets(s, scene, item),
            options=_options(s, item, ISSUE_CONTENTS),
            witnesses=_witnesses(s, scene, recipient.id, v.person_id),
            # Whose draft it is, too: on a shared tablet nobody else's entries come back.
            draft=f"{v.username}:{pid}:issue:{scene.id}:{item.id}:{recipient.id}",
            **ctx,
        )

    @web.get("/p/{pid}/issue")
    async def issue_page(request: Request, pid: str) -> Response:
        query = dict(request.query_params)
        return await guarded(request, pid, lambda v: issue_view(request, v, pid, query))

    @web.post("/p/{pid}/issue")
    async def hand_over(request: Request, pid: str) -> Response:
        form = await request.form()

        def run(v: Viewer) -> Response:
            values = _values(form)
            query = {"scene": values["scene_id"], "item": values["item_id"]}
            query["to"] = values["recipient_id"]
            try:
                cmd = _hand_over(v.state, form)
                # Only someone who may hand over spends the recipient's PIN attempts.
                gateway.check(service, pid, v.person_id, cmd, proof=v.proof)
                cmd = attest.by_pin(site.accounts, v.state, cmd, forms.text(form, "pin"))
                done = gateway.submit(service, pid, v.person_id, cmd, proof=v.proof)
            except ColdCheckError as exc:
                status, _ = problems.classify(exc)
                return issue_view(
                    request,
                    v,
                    pid,
                    query,
                    status,
                    values=values,
                    error=str(exc),
                    attempt=exc.attempt,
                    violations=exc.violations if isinstance(exc, Refused) else (),
                )
            return site.done(request, pid, v, [done], f"/p/{pid}/issue", draft=values["draft"])

        return await guarded(request, pid, run)

    def return_view(
        request: Request,
        v: Viewer,
        pid: str,
        item_id: str,
        status: int = 200,
        **extra: Any,
    ) -> Response:
        s = v.state
        ctx: dict[str, Any] = {**base(v, pid), "values": {}, "error": "", "violations": ()}
        ctx.update(extra, by_rule=advice.by_rule)
        item = _find_item(s, item_id)
        issued = [i for i in s.items.values() if i.issued_for]
        return render(
            request,
            "return.html",
            status,
            issued=issued,
            item=item if item is not None and item.issued_for else None,
            presets=_return_presets(item) if item is not None else (),
            options=_options(s, item, RETURN_CONTENTS) if item is not None else (),
            draft=f"{v.username}:{pid}:return:{item.id}" if item is not None else "",
            **ctx,
        )

    @web.get("/p/{pid}/return")
    async def return_page(request: Request, pid: str, item: str = "") -> Response:
        return await guarded(request, pid, lambda v: return_view(request, v, pid, item))

    @web.post("/p/{pid}/return")
    async def take_back(request: Request, pid: str) -> Response:
        form = await request.form()

        def run(v: Viewer) -> Response:
            values = _values(form)
            try:
                item = v.state.items.get(forms.text(form, "item_id"))
                if item is None:
                    raise NotFound("choose the item you are taking back")
                chambers = _chambers(form, item.chambers, RETURN_CONTENTS, live=True)
                entered = _entered(form, chambers, _return_presets(item))
                cmd = c.ReturnItem(item_id=item.id, chambers=chambers, entered=entered)
                done = gateway.submit(service, pid, v.person_id, cmd, proof=v.proof)
            except ColdCheckError as exc:
                status, _ = problems.classify(exc)
                return return_view(
                    request,
                    v,
                    pid,
                    values["item_id"],
                    status,
                    values=values,
                    error=str(exc),
                    attempt=exc.attempt,
                    violations=exc.violations if isinstance(exc, Refused) else (),
                )
            return site.done(request, pid, v, [done], f"/p/{pid}/return", draft=values["draft"])

        return await guarded(request, pid, run)


def _hand_over(state: State, form: Any) -> c.HandOver:
    item = state.items.get(forms.text(form, "item_id"))
    if item is None:
        raise NotFound("choose the item to hand over")
    scene = state.scenes.get(forms.text(form, "scene_id"))
    if scene is None:
        raise NotFound("choose the scene")
    barrel = _barrel(form)
    chambers = _chambers(form, item.chambers, ISSUE_CONTENTS, live=False)
    recipient = forms.text(form, "recipient_id")
    return c.HandOver(
        item_id=item.id,
        barrel=barrel,
        chambers=chambers,
        recipient_id=recipient,
        scene_id=scene.id,
        recipient_acknowledged=False,  # until the PIN is checked
        shown_to=tuple(p for p in forms.texts(form, "shown_to") if p != recipient),
        entered=_entered(form, chambers, handoff.presets(state, scene, item), barrel),
    )


def _barrel(form: Any) -> Barrel:
    raw = forms.text(form, "barrel")
    if not raw:
        raise InvalidCommand("barrel: look through it and choose clear or obstructed")
    return forms.choice(form, "barrel", Barrel, Barrel.CLEAR)


def _chambers(
    form: Any, count: int, contents: tuple[Content, ...], *, live: bool
) -> tuple[Chamber, ...]:
    """Chamber i is `chamber-i`: `empty`, `live` (on return), or `<content>:<lot>`."""
    allowed = {*contents, Content.EMPTY, *([Content.LIVE] if live else [])}
    out = []
    unset = []
    for i in range(1, count + 1):
        raw = forms.text(form, f"chamber-{i}")
        if not raw:
            unset.append(str(i))
            continue
        kind, _, lot = raw.partition(":")
        try:
            content = Content(kind)
        except ValueError:
            content = None
        if content not in allowed or content is None:
            raise InvalidCommand(f"chamber {i}: {kind[:20]!r} is not a choice here")
        if content in (Content.EMPTY, Content.LIVE):
            out.append(Chamber(content))
        elif not lot:
            raise InvalidCommand(f"chamber {i}: say which lot the {content} came from")
        else:
            out.append(Chamber(content, lot, checked=content is Content.DUMMY))
    if unset:
        raise InvalidCommand(
            f"chamber {', '.join(unset)}: not set. Open the weapon and set every chamber"
        )
    return tuple(out)


def _entered(
    form: Any,
    chambers: tuple[Chamber, ...],
    presets: tuple[handoff.Preset, ...],
    barrel: Barrel | None = None,
) -> Entry:
    """The preset the armorer tapped, if the chambers sent are still exactly its load;
    otherwise they were set one by one."""
    key = forms.text(form, "entered")
    for p in presets:
        if p.key == key and p.chambers == chambers and barrel in (None, p.barrel):
            return _ENTRY[key.partition(":")[0]]
    return Entry.PER_CHAMBER


_ENTRY = {
    "as_planned": Entry.AS_PLANNED,
    "all_empty": Entry.ALL_EMPTY,
    "as_issued": Entry.AS_ISSUED,
    "all_fired": Entry.ALL_FIRED,
}


def _return_presets(item: Item) -> tuple[handoff.Preset, ...]:
    """Came back as issued; and all fired, when blanks went out."""
    out = [handoff.Preset("as_issued", "Came back as issued", Barrel.CLEAR, item.load)]
    if any(ch.content is Content.BLANK for ch in item.load):
        fired = tuple(
            Chamber(Content.SPENT, ch.lot) if ch.content is Content.BLANK else ch
            for ch in item.load
        )
        out.append(handoff.Preset("all_fired", "All blanks fired", Barrel.CLEAR, fired))
    return tuple(out)


def _options(state: State, item: Item | None, contents: tuple[Content, ...]) -> list[Any]:
    """Each chamber's choices besides empty: a content from one lot, as `value, words`."""
    if item is None:
        return []
    out = []
    for content in contents:
        kind = AmmoType.BLANK if content is Content.SPENT else AmmoType(content.value)
        for lot in state.lots.values():
            if lot.ammo_type is kind and handoff.fits(item, lot):
                word = "spent case" if content is Content.SPENT else str(content)
                out.append((f"{content}:{lot.id}", f"{word} · {lot.id}"))
    return out


def _witnesses(state: State, scene: Scene, recipient: str, armorer: str) -> list[Any]:
    """Who may be recorded as shown besides the recipient: the 1st AD and the safety rep
    (who witness it, INS-6), then the plan's other performers; never the armorer who
    shows it. None is ticked for the armorer."""
    ids = [*state.with_role(*WITNESS_ROLES), *scene.performers]
    seen = {recipient, armorer}
    out = []
    for pid in ids:
        if pid not in seen and pid in state.people:
            seen.add(pid)
            out.append(state.people[pid])
    return out


def _scenes(state: State, today: str) -> list[Scene]:
    """Today's scenes first (approved before not), then later ones; past days last."""

    def order(sc: Scene) -> tuple[int, str, str]:
        when = 0 if sc.date == today else 1 if sc.date > today else 2
        return (when * 2 + (not sc.approved), sc.date, sc.id)

    return sorted((sc for sc in state.scenes.values() if sc.date >= today), key=order)


def _values(form: Any) -> dict[str, Any]:
    """What was sent, to draw the form again as it was (never the PIN)."""
    out: dict[str, Any] = {
        "shown_to": set(forms.texts(form, "shown_to")),
        "draft": forms.text(form, "draft"),
    }
    for key in ("item_id", "scene_id", "recipient_id", "barrel", "entered"):
        out[key] = forms.text(form, key)
    for key in form:
        if isinstance(key, str) and key.startswith("chamber-"):
            out[key] = forms.text(form, key)
    return out


def _find_item(state: State, query: str) -> Item | None:
    """The item a tag, serial or id names (as the search finds one), or None."""
    found = search.exact_item(state, query.strip())
    return state.items[found] if found else None
