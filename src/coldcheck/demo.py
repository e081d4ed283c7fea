"""A realistic demo: one day on a western, through every step ColdCheck records.

`seed(run)` drives any runner that takes a command (the service, or the in-memory
harness the tests use), so the demo and the tests share one story.

Why one module over 300 lines: one story, in the order of the day; it is data more than
code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from coldcheck.accounts import Accounts
from coldcheck.domain import commands as c
from coldcheck.domain.errors import Refused
from coldcheck.domain.outside import Attachment, Channel
from coldcheck.domain.values import (
    AmmoType,
    Authority,
    Barrel,
    Chamber,
    ContactKind,
    Content,
    Credential,
    Credit,
    Disposition,
    Entry,
    Handled,
    Handling,
    IncidentKind,
    ItemKind,
    ItemTier,
    Manoeuvre,
    Mitigation,
    PublicView,
    Role,
    RoundCheck,
    SceneAmmo,
    SupplierKind,
    Tier,
    UnitKind,
)

Run = Callable[[c.Command], Any]
PRODUCTION = "cold-creek"
# Demo credentials, printed by `coldcheck demo`; never use them for a real production.
DEMO_PASSWORD = "cold-creek-demo"  # noqa: S105 - printed demo credential
DEMO_PIN = "2468"

PEOPLE = [
    ("paula", "Paula Grant", (Role.PRODUCER,)),
    ("gil", "Gil Moss", (Role.UPM,)),
    ("nora", "Nora Finch", (Role.SAFETY_REP,)),
    ("rosa", "Rosa Vega", (Role.ARMORER,)),
    ("dan", "Dan Ortiz", (Role.FIRST_AD,)),
    ("jack", "Jack Reyes", (Role.PERFORMER,)),
    ("sam", "Sam Cole", (Role.PERFORMER, Role.STUNT_COORDINATOR)),
    ("mia", "Mia Long", (Role.PERFORMER,)),
    ("lane", "Lane Cho", (Role.CAMERA,)),
    ("joel", "Joel Ruiz", (Role.DIRECTOR,)),
    ("studio", "Hal Brooks", (Role.STUDIO_CONTACT,)),
]

# The second unit's people: added by its own step (second_unit), after the main unit's.
SECOND_UNIT = [("omar", "Omar Haddad", (Role.ARMORER,))]

DUMMY = Chamber(Content.DUMMY, "dum-45", checked=True)
BLANK = Chamber(Content.BLANK, "blk-45")
EMPTY = Chamber(Content.EMPTY)
SPENT = Chamber(Content.SPENT, "blk-45")


def seed(
    run: Run,
    today: str,
    keep: Callable[[bytes], str] | None = None,
    now_us: Callable[[], int] | None = None,
    wrap_up: bool = True,
) -> None:
    """Record the demo production's set-up and one shooting day dated `today`; with an
    attachment store (`keep` stores a file and names it by its SHA-256) and the clock,
    also the camera crew's email, recorded with the original attached. Without `wrap_up`,
    the day stops before wrap (the rental still out, the rubber Colt not yet lost): the
    browser tests hand those weapons over."""
    setup(run)
    plan_day(run, today)
    shoot(run, today)
    evening(run)
    evidence(run)
    second_unit(run)
    rehearsal(run, today)
    if wrap_up:
        wrap(run)
    if keep is not None and now_us is not None:
        outside(run, keep, now_us())


def setup(run: Run) -> None:
    """People, authorities, storage, weapons, ammunition and training."""
    run(c.CreateProduction(name="Cold Creek", profile="bulletin1", timezone="America/Denver"))
    for pid, name, roles in PEOPLE:
        run(c.AddPerson(person_id=pid, name=name, roles=roles))
    run(c.AssignAuthority(person_id="paula", authority=Authority.HIRING))
    hiring(run)
    run(c.AssignAuthority(actor="paula", person_id="rosa", authority=Authority.FIREARM_SAFETY))
    run(
        c.AddLocation(
            actor="rosa", location_id="truck-safe", name="Prop truck gun safe", secure=True
        )
    )
    run(
        c.AddLocation(
            actor="rosa", location_id="gun-cart", name="Gun cart by the church", secure=False
        )
    )
    for item_id, serial, tag in (
        ("colt-1", "SA-31877", "CC-0001"),
        ("colt-2", "SA-31902", "CC-0002"),
    ):
        run(
            c.RegisterItem(
                actor="rosa",
                item_id=item_id,
                kind=ItemKind.FIREARM,
                serial=serial,
                tag=tag,
                description="Colt Single Action Army revolver, 7.5 in barrel",
                location_id="truck-safe",
                chambers=6,
                caliber=".45 LC",
                manufacturer="Colt",
                model="Single Action Army",
                source="Western Prop Rentals, Albuquerque NM",
            )
        )
    run(
        c.RegisterItem(
            actor="rosa",
            item_id="rifle-1",
            kind=ItemKind.BLANK_ADAPTED,
            serial="WR-11045",
            tag="CC-0003",
            description="Winchester 1873 lever-action rifle, blank-adapted",
            location_id="truck-safe",
            chambers=1,
            caliber=".45 LC",
            manufacturer="Winchester",
            model="1873",
            source="Western Prop Rentals, Albuquerque NM",
        )
    )
    run(
        c.RegisterItem(
            actor="rosa",
            item_id="rubber-1",
            kind=ItemKind.RUBBER,
            serial="none-1",
            tag="CC-0004",
            description="Rubber Colt for stunts and background",
            location_id="truck-safe",
        )
    )
    rental(run)
    run(
        c.RegisterSupplier(
            actor="rosa",
            supplier_id="starline",
            kind=SupplierKind.PROP_SUPPLIER,
            name="Starline Props",
            contact="orders desk, +1 505 555 0117",
        )
    )
    run(
        c.ReceiveLot(
            actor="rosa",
            lot_id="dum-45",
            ammo_type=AmmoType.DUMMY,
            caliber=".45 LC",
            count=50,
            source="Starline Props",
            invoice="INV-7712",
            supplier_id="starline",
        )
    )
    run(
        c.VerifyLot(
            actor="rosa",
            lot_id="dum-45",
            method="every round: rattle test, drilled case, empty primer pocket",
        )
    )
    run(
        c.ReceiveLot(
            actor="rosa",
            lot_id="blk-45",
            ammo_type=AmmoType.BLANK,
            caliber=".45 LC",
            count=50,
            source="Starline Props",
            invoice="INV-7713",
            supplier_id="starline",
            load="quarter",
        )
    )
    run(
        c.RecordTraining(
            actor="rosa",
            person_id="jack",
            minutes=90,
            trainer_id="rosa",
            topics=("firearm", "rubber", "draw", "cross_draw", "point_at_camera", "handler_course"),
        )
    )
    run(
        c.RecordTraining(
            actor="rosa",
            person_id="sam",
            minutes=120,
            trainer_id="rosa",
            topics=("firearm", "blank_adapted", "draw", "fire_blank", "handler_course"),
        )
    )
    run(
        c.RecordTraining(
            actor="rosa",
            person_id="mia",
            minutes=30,
            trainer_id="rosa",
            topics=("firearm", "handler_course"),
        )
    )
    # Crew who work near the firing line take the near-firearms course (§9156).
    for person_id in ("lane", "joel", "nora"):
        run(
            c.RecordTraining(
                actor="rosa",
                person_id=person_id,
                minutes=60,
                trainer_id="rosa",
                topics=("near_firearms_course",),
            )
        )
    run(
        c.DeclineTraining(
            actor="mia",
            person_id="mia",
            topics=("cross_draw",),
            reason="said the rehearsal would cover it",
        )
    )


RENTAL_HOUSE = "western"
RENTAL = "wpr-0412"


def rental(run: Run) -> None:
    """The revolver for the saloon and the rifle come from the rental house on one
    invoice, picked up by the armorer: the production is liable for them from now."""
    run(
        c.RegisterSupplier(
            actor="rosa",
            supplier_id=RENTAL_HOUSE,
            kind=SupplierKind.RENTAL_HOUSE,
            name="Western Prop Rentals",
            contact="1120 Second St SW, Albuquerque NM 87102; FFL 9-85-001-07-2K-04419",
        )
    )
    run(
        c.PickUpRental(
            actor="rosa",
            rental_id=RENTAL,
            supplier_id=RENTAL_HOUSE,
            agreement="WPR-2026-0412",
            serials=("SA-31902", "WR-11045"),
            item_ids=("colt-2", "rifle-1"),
            picked_up_by="rosa",
            agreement_sha256="5b0e4fbd1d3bd8a51e62a1c3f45f3b2bd9b1bfb0c61bd6e1f0d2b2a8a4a3c9d1",
        )
    )


def wrap(run: Run) -> None:
    """At wrap: the rifle, not needed again, goes back to the rental house with a signed
    return; the rubber Colt is missing from the truck and reported lost to the police."""
    run(
        c.ReturnRental(
            actor="rosa",
            item_id="rifle-1",
            supplier_id=RENTAL_HOUSE,
            receiver="Luis Baca (Western Prop Rentals counter)",
            reference="WPR-RET-0412-1",
            signer_confirmed=True,
        )
    )
    run(
        c.DisposeItem(
            actor="rosa",
            item_id="rubber-1",
            disposition=Disposition.LOSS,
            reason="not in the prop truck at wrap; last seen on the background table",
            police_report="APD 26-118204",
        )
    )


def hiring(run: Run) -> None:
    """What the armorer holds and has done, recorded before she is given firearm-safety
    authority, and who anyone goes to about safety (DOMAIN.md §6: California §9153)."""
    for kind, number, issuer in (
        (Credential.ENTERTAINMENT_FIREARMS_PERMIT, "EFP-20931", "California DOJ"),
        (Credential.FEDERAL_FIREARMS_LICENCE, "9-85-001-07-8C-41207", "ATF"),
        (Credential.INDUSTRY_TRAINING, "CSATF-S-55102", "CSATF"),
    ):
        run(
            c.RecordQualification(
                actor="paula",
                person_id="rosa",
                kind=kind,
                number=number,
                issuer=issuer,
                expires_on="2027-06-30",
            )
        )
    run(
        c.RecordExperience(
            actor="paula",
            person_id="rosa",
            credit=Credit.HEAD_ARMORER,
            production="Dust Road (feature)",
            started_on="2025-03-03",
            ended_on="2025-05-16",
        )
    )
    run(
        c.NameContacts(
            actor="paula",
            compliance_contact_id="nora",
            escalation_contact_id="studio",
            escalation_kind=ContactKind.STUDIO_SAFETY,
            hotline="+1 505 555 0100",
        )
    )


def plan_day(run: Run, today: str) -> None:
    """Two scene plans, both approved, and the day's safety meetings."""
    run(
        c.PlanScene(
            actor="dan",
            scene_id="sc-12",
            title="Church: cross-draw toward the lens",
            date=today,
            items=("colt-1",),
            performers=("jack",),
            ammo=SceneAmmo.DUMMY,
            manoeuvres=(Manoeuvre.CROSS_DRAW, Manoeuvre.POINT_AT_CAMERA),
            mitigations=(Mitigation.REMOTE_CAMERA,),
            near_firing_line=("lane", "joel"),
            tiers=(ItemTier("colt-1", Tier.HERO),),
        )
    )
    run(
        c.PlanScene(
            actor="dan",
            scene_id="sc-14",
            title="Saloon shoot-out",
            date=today,
            items=("colt-2", "rifle-1"),
            performers=("sam",),
            ammo=SceneAmmo.BLANK,
            manoeuvres=(Manoeuvre.DRAW, Manoeuvre.FIRE_BLANK),
            min_distance_feet=25,
            mitigations=(
                Mitigation.SHIELD,
                Mitigation.EYE_PROTECTION,
                Mitigation.HEARING_PROTECTION,
            ),
            near_firing_line=("lane", "joel", "nora"),
            tiers=(ItemTier("colt-2", Tier.HERO), ItemTier("rifle-1", Tier.HERO)),
        )
    )
    for scene in ("sc-12", "sc-14"):
        run(c.ApproveScenePlan(actor="rosa", scene_id=scene))
        run(c.ApproveScenePlan(actor="dan", scene_id=scene))
    run(
        c.HoldSafetyMeeting(
            actor="dan", scene_id="sc-12", attendees=("rosa", "dan", "jack", "lane", "joel")
        )
    )
    run(
        c.HoldSafetyMeeting(
            actor="dan", scene_id="sc-14", attendees=("rosa", "dan", "sam", "lane", "joel", "nora")
        )
    )


def attempt(run: Run, cmd: c.Command) -> None:
    """A command the rules refuse: its attempt is what the record keeps."""
    try:
        run(cmd)
    except Refused:
        pass
    else:
        raise AssertionError(f"the demo expected {type(cmd).__name__} to be refused")


def shoot(run: Run, today: str) -> None:
    """Inspections, handoffs (one tried by the 1st AD, refused), returns, a misfire, an
    accidental discharge and their reviews, concerns and the day's close."""
    run(
        c.HandOver(
            actor="rosa",
            item_id="colt-1",
            barrel=Barrel.CLEAR,
            chambers=(DUMMY,) * 6,
            recipient_id="jack",
            scene_id="sc-12",
            recipient_acknowledged=True,
            shown_to=("dan",),
            entered=Entry.AS_PLANNED,
        )
    )
    run(
        c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(DUMMY,) * 6, entered=Entry.AS_ISSUED)
    )
    run(
        c.RaiseConcern(
            actor="lane",
            text="Crew housing is an hour away; camera crew on "
            "12-hour days arrive fatigued for 6 am calls.",
        )
    )
    for person in ("dan", "rosa"):
        run(c.AcknowledgeConcern(actor=person, concern_id="concern-1"))
    run(
        c.HandOver(
            actor="rosa",
            item_id="colt-2",
            barrel=Barrel.CLEAR,
            chambers=(BLANK,) * 6,
            recipient_id="sam",
            scene_id="sc-14",
            recipient_acknowledged=True,
            shown_to=("dan",),
            entered=Entry.AS_PLANNED,
        )
    )
    run(
        c.ReturnItem(
            actor="rosa", item_id="colt-2", chambers=(SPENT, SPENT, BLANK, BLANK, BLANK, BLANK)
        )
    )
    run(
        c.ReportIncident(
            actor="sam",
            kind=IncidentKind.MISFIRE,
            item_id="colt-2",
            description="third blank did not fire; muzzle kept downrange, "
            "15 s wait, cleared by the armorer",
        )
    )
    run(
        c.RaiseConcern(
            actor="lane",
            scene_id="sc-14",
            blocking=True,
            text="Misfire on the saloon set and the next setup was called "
            "before the cast was briefed.",
        )
    )
    for person in ("dan", "gil", "paula", "rosa"):
        run(c.AcknowledgeConcern(actor=person, concern_id="concern-2"))
    run(
        c.ResolveConcern(
            actor="gil",
            concern_id="concern-2",
            resolution="Cast and crew briefed; cause logged (bad primer in "
            "blk-45); next setup waits for the armorer's call.",
        )
    )
    run(
        c.SignOffReview(
            actor="nora",
            incident_id="incident-1",
            findings="Misfire from a defective blank primer. Lot blk-45 "
            "spot-checked, 10 rounds; no further defects.",
            cause="A defective primer in one blank of lot blk-45.",
            corrective_actions="Cast and crew briefed; the next setup waits for the "
            "armorer's call; misfired rounds go back to the supplier.",
            involved=("sam", "rosa"),
            signer_confirmed=True,
        )
    )
    discharge(run)
    run(
        c.RaiseConcern(
            anonymous=True,
            text="Guns were left on the cart during lunch yesterday with nobody watching them.",
        )
    )
    run(c.AcknowledgeConcern(actor="rosa", concern_id="concern-3"))
    run(c.InspectItem(actor="rosa", item_id="colt-1", barrel=Barrel.CLEAR, chambers=(EMPTY,) * 6))
    run(c.InspectItem(actor="rosa", item_id="colt-2", barrel=Barrel.CLEAR, chambers=(EMPTY,) * 6))
    for item_id in ("colt-1", "colt-2"):
        run(c.MoveItem(actor="rosa", item_id=item_id, location_id="truck-safe"))
    run(c.CloseDay(actor="rosa", date=today, counts=(("blk-45", 47), ("dum-45", 50))))


def discharge(run: Run) -> None:
    """Take two of the saloon. Behind schedule, the 1st AD picks up the revolver and
    calls it cold (as on Rust): refused, on the record. The armorer hands it over; a blank
    goes off as Sam holsters; nobody is hurt. The review is signed off by the safety rep
    and countersigned by the armorer."""
    attempt(
        run,
        c.HandOver(
            actor="dan",
            item_id="colt-2",
            barrel=Barrel.CLEAR,
            chambers=(BLANK,) * 6,
            recipient_id="sam",
            scene_id="sc-14",
            recipient_acknowledged=True,
            entered=Entry.PER_CHAMBER,
        ),
    )
    run(
        c.HandOver(
            actor="rosa",
            item_id="colt-2",
            barrel=Barrel.CLEAR,
            chambers=(BLANK,) * 6,
            recipient_id="sam",
            scene_id="sc-14",
            recipient_acknowledged=True,
            shown_to=("dan",),
            entered=Entry.AS_PLANNED,
        )
    )
    run(
        c.ReportIncident(
            actor="dan",
            kind=IncidentKind.ACCIDENTAL_DISCHARGE,
            item_id="colt-2",
            description="a blank fired as Sam holstered after cut, muzzle to the floor, "
            "25 ft from the nearest crew; nobody hurt",
        )
    )
    run(c.ReturnItem(actor="rosa", item_id="colt-2", chambers=(SPENT,) + (BLANK,) * 5))
    run(
        c.SignOffReview(
            actor="nora",
            incident_id="incident-2",
            findings="The hammer was cocked when Sam holstered; the holster's strap caught "
            "the trigger. Muzzle discipline held: pointed at the floor, 25 ft clear.",
            cause="Holstering a cocked revolver in a holster with a thumb-break strap.",
            corrective_actions="Open-top holster for the scene; Sam retrained to lower the "
            "hammer before holstering; the armorer takes the revolver at every cut.",
            involved=("sam", "dan"),
            signer_confirmed=True,
        )
    )
    run(c.CountersignReview(actor="rosa", incident_id="incident-2", signer_confirmed=True))


def evening(run: Run) -> None:
    """After the close: a box of dummies handed on by another production, repackaged by
    the prop supplier, held in quarantine and checked round by round until it lifts."""
    run(
        c.RegisterSupplier(
            actor="rosa",
            supplier_id="high-desert",
            kind=SupplierKind.PRODUCTION,
            name="High Desert Pictures",
            contact="props office, +1 505 555 0142",
        )
    )
    run(
        c.ReceiveLot(
            actor="rosa",
            lot_id="dum-38",
            ammo_type=AmmoType.DUMMY,
            caliber=".38 Special",
            count=24,
            invoice="HDP-0193",
            supplier_id="high-desert",
            last_production="Dry Wells (wrapped in September)",
            handled=(Handled(Handling.REPACKAGED, "Starline Props"),),
            headstamp="R-P 38 SPL",
            manufacturer="Remington",
            invoice_sha256="17005991d5f090b065b1dd4448bea9ed00af949f9a649b5708c0bfa5c340bddd",
            packing_list_sha256="04a634cbdedc6286100b01f2ff2e50efafc3dea2ae97fa51da3bb5b84f16092a",
        )
    )
    for first, last, method in (
        (1, 12, RoundCheck.RATTLE_TEST),
        (13, 13, RoundCheck.INERT_PRIMER),  # one that did not rattle, checked by its primer
        (14, 24, RoundCheck.RATTLE_TEST),
    ):
        run(
            c.VerifyRounds(
                actor="rosa",
                lot_id="dum-38",
                first=first,
                last=last,
                method=method,
                verified_by="rosa",
            )
        )


def evidence(run: Run) -> None:
    """The blank that misfired goes to the sheriff's deputy; two rounds the camera
    assistant found in the truck later are handed in, linked, and go under the same case."""
    found = (
        ("Rosa Vega (armorer)", "the blank that misfired", "Colt #2, third chamber", "", 1),
        ("Lane Cho (camera)", "two .45 Colt blanks", "camera truck, under a seat", "at wrap", 2),
    )
    for n, (by, what, where, when, rounds) in enumerate(found, 1):
        run(
            c.HandInEvidence(
                actor="rosa",
                incident_id="incident-1",
                handed_in_by=by,
                what=what,
                found_where=where,
                found_when=when,
                rounds=rounds,
            )
        )
        run(
            c.HandOverToEvidence(
                actor="rosa",
                incident_id="incident-1",
                handin_id=f"handin-{n}",
                investigator="Deputy Ana Cruz",
                agency="Santa Fe County Sheriff's Office",
                case_number="SFSO-2026-1042",
            )
        )


def second_unit(run: Run) -> None:
    """The second unit shoots the ride-in at Ghost Ranch with its own armorer and safe.
    Rosa sends it a revolver with the production's driver; Omar checks the serial on
    arrival and signs for it. Both sign with their own PIN."""
    units(run)
    run(
        c.DispatchTransfer(
            actor="rosa",
            from_unit="main",
            from_location="truck-safe",
            to_unit="second",
            to_location="ranch-safe",
            carrier="Ray Tso (driver, Mesa Film Transport)",
            waybill="MFT-55120",
            items=("colt-1",),
            signer_confirmed=True,
        )
    )
    run(
        c.ReceiveTransfer(
            actor="omar", transfer_id="transfer-1", serials=("SA-31877",), signer_confirmed=True
        )
    )


def units(run: Run) -> None:
    """The second unit's armorer, hired as Rosa was, its safe, and the two units."""
    for pid, name, roles in SECOND_UNIT:
        run(c.AddPerson(actor="paula", person_id=pid, name=name, roles=roles))
    for kind, number, issuer in (
        (Credential.ENTERTAINMENT_FIREARMS_PERMIT, "EFP-31407", "California DOJ"),
        (Credential.FEDERAL_FIREARMS_LICENCE, "9-85-001-07-8C-52219", "ATF"),
        (Credential.INDUSTRY_TRAINING, "CSATF-S-61730", "CSATF"),
    ):
        run(
            c.RecordQualification(
                actor="paula",
                person_id="omar",
                kind=kind,
                number=number,
                issuer=issuer,
                expires_on="2027-09-30",
            )
        )
    run(
        c.RecordExperience(
            actor="paula",
            person_id="omar",
            credit=Credit.HEAD_ARMORER,
            production="Long Mesa (series, season 2)",
            started_on="2024-08-05",
            ended_on="2024-12-13",
        )
    )
    run(c.AssignAuthority(actor="paula", person_id="omar", authority=Authority.FIREARM_SAFETY))
    run(
        c.AddLocation(
            actor="omar",
            location_id="ranch-safe",
            name="Second unit gun safe, Ghost Ranch",
            secure=True,
        )
    )
    for unit_id, name, unit_kind, locations, armorer in (
        ("main", "Main unit", UnitKind.FIRST, ("truck-safe", "gun-cart"), "rosa"),
        ("second", "Second unit (Ghost Ranch)", UnitKind.SECOND, ("ranch-safe",), "omar"),
    ):
        run(
            c.AddUnit(
                actor="paula",
                unit_id=unit_id,
                name=name,
                kind=unit_kind,
                location_ids=locations,
                armorer_id=armorer,
            )
        )


def rehearsal(run: Run, today: str) -> None:
    """Tomorrow's walk-down on the street, rehearsed with the rubber Colt where the public
    can see it: the permit and the police notice are on the plan before it is approved."""
    tomorrow = (dt.date.fromisoformat(today) + dt.timedelta(days=1)).isoformat()
    run(
        c.PlanScene(
            actor="dan",
            scene_id="sc-15",
            title="Main street walk-down (rehearsal)",
            date=tomorrow,
            items=("rubber-1",),
            performers=("jack",),
            ammo=SceneAmmo.NONE,
            manoeuvres=(Manoeuvre.DRAW,),
            rehearsal=True,
            tiers=(ItemTier("rubber-1", Tier.REPLICA),),
            public_view=PublicView(
                permit_number="SFFO-2026-0877",
                permit_authority="Santa Fe Film Office",
                police_notified="Santa Fe Police Department, watch commander",
                notified_at=f"{today}T16:30",
                police_reference="SFPD-FN-3318",
                officer_required=True,
                officer_name="Officer Ray Baca",
            ),
        )
    )
    run(c.ApproveScenePlan(actor="rosa", scene_id="sc-15"))
    run(c.ApproveScenePlan(actor="dan", scene_id="sc-15"))


def seed_accounts(accounts: Accounts) -> None:
    """An administrator and one account per demo person, all with the demo password."""
    if accounts.rows.get("admin") is None:
        accounts.create("admin", DEMO_PASSWORD, is_admin=True)
    for person_id, _, _ in (*PEOPLE, *SECOND_UNIT):
        if accounts.rows.get(person_id) is None:
            accounts.create(person_id, DEMO_PASSWORD)
            accounts.set_pin(person_id, DEMO_PIN)
            accounts.rows.link(person_id, PRODUCTION, person_id)


CREW_EMAIL = b"""From: Camera crew <camera@coldcreek.example>
To: Dan Ortiz <dan@coldcreek.example>
Subject: Two misfires today, and the guns on the cart at lunch

Dan,

A revolver went off twice today when nobody called for it, and the guns sat on the
cart at lunch with nobody watching them. We want a safety meeting before anyone
touches a firearm tomorrow, and the armorer on guns only.

The camera crew
"""


def outside(run: Run, keep: Callable[[bytes], str], now_us: int) -> None:
    """The camera crew's email to the 1st AD about the misfires, recorded by him as a
    concern from outside ColdCheck, the email kept beside the database by its SHA-256."""
    sha = keep(CREW_EMAIL)
    run(
        c.RecordOutsideConcern(
            actor="dan",
            channel=Channel.EMAIL,
            said_at=now_us - 1,
            text="Two misfires today and the guns left on the cart at lunch; the crew asks "
            "for a safety meeting before tomorrow and the armorer on guns only.",
            author="the camera crew",
            attachments=(
                Attachment(
                    sha256=sha, filename="camera-crew-misfires.eml", media_type="message/rfc822"
                ),
            ),
        )
    )
