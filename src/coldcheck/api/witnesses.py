"""The production's witnesses: who they are and what each last said (members), naming
one and removing one (an administrator, or the armorer: access/witnesses.py).

No `from __future__ import annotations` here: FastAPI reads the parameters' annotations
at runtime.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from coldcheck.access.identity import Caller
from coldcheck.access.witnesses import may_name
from coldcheck.api.contract import beyond_schema
from coldcheck.api.problems import ERROR_RESPONSES
from coldcheck.api.schemas import PREFIX
from coldcheck.service import ColdCheck
from coldcheck.witnessing import naming
from coldcheck.witnessing.status import WitnessStatus, status


class NewWitness(BaseModel):
    name: str = Field(
        pattern=f"^{naming.NAME}$", description="the production's word for it: studio"
    )
    url: str = Field(
        max_length=2000,
        pattern=r"^https?://[^/?#\s]+[^?#\s]*$",
        description="where it answers add-checkpoint: http(s)://host[:port][/path]",
    )
    vkey: str = Field(max_length=400, description="its cosigning vkey (coldcheck witness key)")


class WitnessOut(BaseModel):
    name: str
    url: str
    vkey: str
    cosigned_size: int | None = Field(description="the largest size it cosigned")
    cosigned_at: int | None = Field(description="POSIX seconds, from that cosignature")
    outcome: str | None = Field(description="its last answer: cosigned, refused, unreachable")
    detail: str | None
    first_inconsistent: int | None = Field(
        description="after a refusal: the first size at which the log contradicts it"
    )
    asked_at: int | None = Field(description="POSIX seconds")

    @classmethod
    def of(cls, s: WitnessStatus) -> "WitnessOut":
        return cls(**{f: getattr(s, f) for f in WitnessStatus.__slots__})


def add_routes(
    app: APIRouter,
    service: ColdCheck,
    caller: Callable[..., Caller],
    member: Callable[[str, Caller], str],
) -> None:
    """Reading is for members; an administrator need not be one."""
    Who = Annotated[Caller, Depends(caller)]
    base = f"{PREFIX}/productions/{{production_id}}/witnesses"

    def person(production_id: str, who: Caller) -> str | None:
        return None if who.account.is_admin else member(production_id, who)

    @app.get(base, tags=["record"])
    def witnesses(production_id: str, who: Who) -> list[WitnessOut]:
        """Each witness the production names, its largest cosigned size, its last answer."""
        person(production_id, who)
        service.signed_head(production_id)  # an administrator's unknown production: 404
        return [WitnessOut.of(s) for s in status(service, production_id)]

    @app.post(
        base,
        tags=["record"],
        status_code=201,
        responses=beyond_schema(
            "POST /productions/{production_id}/witnesses", ERROR_RESPONSES[422]
        ),
    )
    def add_witness(production_id: str, body: NewWitness, who: Who) -> WitnessOut:
        """Name a witness: the server asks it to cosign each new head."""
        may_name(service, who.account, person(production_id, who), production_id)
        naming.add(service, production_id, body.name, body.url, body.vkey, who.account.username)
        return next(WitnessOut.of(s) for s in status(service, production_id) if s.name == body.name)

    @app.delete(f"{base}/{{name}}", tags=["record"], status_code=204)
    def remove_witness(production_id: str, name: str, who: Who) -> None:
        """Stop asking a witness (the cosignatures it gave are kept)."""
        may_name(service, who.account, person(production_id, who), production_id)
        service.witness_rows().remove(production_id, name)
