"""Who may ask for what: one table, role by action, enforced in one place.

The domain rules still check every command (defence in depth: CUS-1 refuses an issue by
anyone without firearm-safety authority however it arrives). This table decides earlier,
at the door, and is the one documented in docs/authorization.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from coldcheck.domain import commands as c
from coldcheck.domain.state import State
from coldcheck.domain.values import Authority, Role

FS = frozenset({Authority.FIREARM_SAFETY})
HIRING = frozenset({Authority.HIRING})


@dataclass(frozen=True, slots=True)
class Allowed:
    roles: frozenset[Role] = frozenset()
    authorities: frozenset[Authority] = frozenset()
    anyone: bool = False
    self_field: str = ""  # the person the command is about may do it themselves


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


ACCOUNTABLE = _roles(Role.PRODUCER, Role.UPM, Role.SAFETY_REP, Role.FIRST_AD)
ARMORER_ONLY = Allowed(authorities=FS)

POLICY: dict[type[c.Command], Allowed] = {
    c.AddPerson: Allowed(_roles(Role.PRODUCER, Role.UPM), HIRING),
    c.ChangeRoles: Allowed(_roles(Role.PRODUCER, Role.UPM), HIRING),
    c.AssignAuthority: Allowed(authorities=HIRING),
    c.RevokeAuthority: Allowed(authorities=HIRING),
    c.RecordQualification: Allowed(_roles(Role.PRODUCER, Role.UPM), HIRING | FS),
    c.RecordExperience: Allowed(_roles(Role.PRODUCER, Role.UPM), HIRING | FS),
    # The employer names its contacts (§9153(a)(5)).
    c.NameContacts: Allowed(_roles(Role.PRODUCER, Role.UPM), HIRING),
    # Credentials: whoever hires takes people on and off; administrators use the console.
    c.ResetPin: Allowed(authorities=HIRING),
    c.RemoveAccess: Allowed(authorities=HIRING),
    c.AddLocation: ARMORER_ONLY,
    c.RegisterItem: ARMORER_ONLY,
    c.RegisterSupplier: ARMORER_ONLY,
    c.ReceiveLot: ARMORER_ONLY,
    c.VerifyLot: ARMORER_ONLY,
    c.VerifyRounds: ARMORER_ONLY,
    c.SplitLot: ARMORER_ONLY,
    c.MergeLots: ARMORER_ONLY,
    c.MoveItem: ARMORER_ONLY,
    c.DisposeItem: ARMORER_ONLY,
    c.PickUpRental: ARMORER_ONLY,
    c.ReturnRental: ARMORER_ONLY,
    c.InspectItem: ARMORER_ONLY,
    c.IssueItem: ARMORER_ONLY,
    c.HandOver: ARMORER_ONLY,
    c.ReturnItem: ARMORER_ONLY,
    c.CloseDay: ARMORER_ONLY,
    c.RecordTraining: ARMORER_ONLY,
    c.PlanScene: Allowed(_roles(Role.FIRST_AD), FS),
    c.ApproveScenePlan: Allowed(_roles(Role.FIRST_AD), FS),
    c.HoldSafetyMeeting: Allowed(_roles(Role.FIRST_AD), FS),
    c.DeclineTraining: Allowed(authorities=FS, self_field="person_id"),
    c.RaiseConcern: Allowed(anyone=True),
    # Whoever received a concern outside ColdCheck records it, in their own name.
    c.RecordOutsideConcern: Allowed(anyone=True),
    c.AcknowledgeConcern: Allowed(anyone=True),  # the rule CON-2 checks delivery
    c.EscalateConcerns: Allowed(anyone=True),
    c.ReportIncident: Allowed(anyone=True),
    c.ResolveConcern: Allowed(ACCOUNTABLE, FS | HIRING),
    # Someone accountable for firearm safety signs a review; the armorer countersigns a
    # discharge's (the rules add: nobody involved in the incident signs it).
    c.SignOffReview: Allowed(_roles(Role.SAFETY_REP), FS),
    c.CountersignReview: ARMORER_ONLY,
    # Evidence leaves through the armorer or a producer, who signs as its sender (EVD-2).
    c.HandInEvidence: Allowed(_roles(Role.PRODUCER), FS),
    c.HandOverToEvidence: Allowed(_roles(Role.PRODUCER), FS),
    c.TransferEvidence: Allowed(_roles(Role.PRODUCER), FS),
    c.CorrectRecord: Allowed(_roles(Role.PRODUCER, Role.UPM, Role.SAFETY_REP), FS),
    # Units are production data (who shoots where); transfers are between armorers, and
    # the rules add: the sending unit's armorer sends, the receiving unit's receives.
    c.AddUnit: Allowed(_roles(Role.PRODUCER, Role.UPM), FS),
    c.DispatchTransfer: ARMORER_ONLY,
    c.ReceiveTransfer: ARMORER_ONLY,
    c.RefuseTransfer: ARMORER_ONLY,
}

# For administrator accounts only (an account's flag, not a role on a production): the
# API's production route checks the flag; the console's operator holds the database.
ADMINISTRATORS: frozenset[type[c.Command]] = frozenset({c.CreateProduction})


def allows(
    state: State, person_id: str, cmd_type: type[c.Command], about: str | None = None
) -> bool:
    """Whether the person may send this kind of command (`about`: the person it concerns,
    for the commands people may send about themselves)."""
    rule = POLICY.get(cmd_type)
    person = state.people.get(person_id)
    if rule is None or person is None:
        return False
    if rule.anyone or person.roles & rule.roles or person.authorities & rule.authorities:
        return True
    return bool(rule.self_field) and about == person_id


def permitted(state: State, person_id: str, cmd: c.Command) -> bool:
    """Whether the person may send this command on this production."""
    rule = POLICY.get(type(cmd))
    about = getattr(cmd, rule.self_field, None) if rule and rule.self_field else None
    return allows(state, person_id, type(cmd), about)


def describe(rule: Allowed) -> str:
    """The rule in words, for error messages and docs."""
    if rule.anyone:
        return "anyone on the production"
    parts = [f"{a} authority" for a in sorted(rule.authorities)]
    parts += [str(r) for r in sorted(rule.roles)]
    if rule.self_field:
        parts.append("the person themselves")
    return " or ".join(parts)


def table_markdown() -> str:
    """docs/authorization.md: the role by action table (a test keeps them equal)."""
    columns: list[tuple[str, Role | Authority]] = [
        *((f"{a} authority", a) for a in Authority),
        *((str(r), r) for r in Role),
    ]
    lines = [
        "# Authorization",
        "",
        "Generated by `coldcheck authz`; a test keeps it equal to the table in",
        "`src/coldcheck/access/authz.py` and another calls every cell through the API.",
        "✓ allowed; self: only about themselves; ·: refused with 403. Creating a production",
        "is for administrator accounts; reading a production is for its members. The",
        "domain rules then check every allowed command as well (409 when they refuse).",
        "",
        "The CLI applies the same table to the person it acts as (`--as`; exit 3, nothing",
        "recorded, when it refuses). Whoever runs the CLI holds the database and the key,",
        "so `--as` is a claim: every event it records says so (`proof: console`), as",
        "events from the API and the tablet say `session` (a password log-in) or",
        "`device` (a device token). A recipient's acknowledgement, and a signature on a",
        "safety review, is that person's own PIN at every door: typed, hidden, when the",
        "CLI asks for it; never an option.",
        "",
        "A production's witnesses (`…/witnesses`, `coldcheck witnesses`) are named and",
        "removed by an administrator account or the production's armorer; its members",
        "read them and their status. The CLI names them as its operator, or with `--as`",
        "only as the armorer.",
        "",
        "The studio's view across productions (`GET /api/v1/studio/productions`, the page",
        "`/studio`) is for administrator accounts only: anyone else is refused with 403,",
        "nobody logged in with 401. A role on a production, its studio contact's too,",
        "gives no right to see the others. `coldcheck studio productions` is the",
        "console's (it holds the database).",
        "",
        "| action | " + " | ".join(name for name, _ in columns) + " |",
        "| --- |" + " --- |" * len(columns),
    ]
    for cmd, rule in POLICY.items():
        cells = []
        for _, col in columns:
            ok = rule.anyone or col in rule.roles or col in rule.authorities
            cells.append("✓" if ok else ("self" if rule.self_field else "·"))
        lines.append(f"| {cmd.__name__} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
