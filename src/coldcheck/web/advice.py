"""What to do about a rule, said for the tablet: plain words, and a link to the page of
the web UI that does it, where one does.

A rule's own `explanation` is written for the command line (it names `coldcheck`
commands); on the set's tablet nobody types a command, so every rule in the catalogue
has its tablet advice here (a test holds the two together).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from coldcheck.domain.rules import Violation


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the web UI: its path under the production, and what its link says."""

    path: str  # after /p/{pid}, "" for the board
    label: str


BOARD = Page("", "Open the board")
HANDOFF = Page("/issue", "Start the handoff again")
TAKE_BACK = Page("/return", "Take it back")
SCENES = Page("/scenes", "Open the scene plans")
TRAINING = Page("/training", "Record training")
CONCERNS = Page("/concerns", "Open the concerns")
INCIDENTS = Page("/incidents", "Open the incidents")
UNACCOUNTED = Page("/incidents?kind=unaccounted_rounds", "Report unaccounted rounds")
LIVE_ROUND = Page("/incidents?kind=live_round_found", "Report a live round found")
ROUNDS = Page("/stock/rounds", "Verify the rounds one by one")
PEOPLE = Page("/people", "Open the people")
EVIDENCE = Page("/evidence", "Open the evidence register")
DISPOSE = Page("/stock/dispose", "Dispose of an item")
SUPPLIERS = Page("/stock/suppliers", "Open the suppliers")
TRANSFERS = Page("/transfers", "Open the transfers")
RENTALS = Page("/stock/rentals", "Open the rentals")


@dataclass(frozen=True, slots=True)
class Advice:
    text: str
    page: Page | None = None

    def href(self, pid: str) -> str | None:
        """The link to the page that does it, for one production."""
        return None if self.page is None else f"/p/{pid}{self.page.path}"


_ARMORER_ONLY = (
    "Ask the armorer (the person holding firearm-safety authority) to do it. Anyone "
    "may ask to see the weapon shown clear and watch; only the armorer handles it."
)

ADVICE: Mapping[str, Advice] = MappingProxyType(
    {
        "AMM-1": Advice(
            "Live ammunition never comes on set. Take it off the production and find out "
            "how it arrived; if live rounds were found, report it.",
            LIVE_ROUND,
        ),
        "AMM-2": Advice(
            "Load dummies only from a lot that has been verified, and take each dummy out "
            "and check it before it goes back in."
        ),
        "AMM-3": Advice(
            "Say which lot each round came from: a dummy from a dummy lot, a blank from a "
            "blank lot, in the weapon's caliber.",
            HANDOFF,
        ),
        "AMM-4": Advice("Count the lot's box, and load only rounds the box still holds."),
        "AMM-5": Advice(
            "Look for the missing rounds now. If they cannot be found, report them.",
            UNACCOUNTED,
        ),
        "PRV-1": Advice(
            "Reloaded dummies are not taken in: a reloaded case may hold powder or a live "
            "primer. Send the lot back and ask for factory-made dummies."
        ),
        "PRV-2": Advice(
            "This lot is in quarantine. Take every round out and check it, and record "
            "each one (or each batch) with how it was checked; the quarantine lifts with "
            "the last round. Until then, load from another lot.",
            ROUNDS,
        ),
        "PRV-3": Advice(
            "Only rounds of one kind and caliber go in one box. Keep these lots in their own boxes."
        ),
        "CUS-1": Advice(_ARMORER_ONLY),
        "CUS-2": Advice(
            "Someone else holds this weapon. Take it back from them before it is handed "
            "over again.",
            TAKE_BACK,
        ),
        "CUS-3": Advice(
            "It changed hands or place after it was last inspected. Inspect it again now, "
            "in front of the person who will receive it.",
            HANDOFF,
        ),
        "CUS-4": Advice(
            "It is not handed out to anyone, so there is nothing to take back. The board "
            "shows where it is.",
            BOARD,
        ),
        "CUS-5": Advice("Take it back from the person holding it first.", TAKE_BACK),
        "CUS-6": Advice("Put it in locked storage, or keep it with the armorer."),
        "CUS-7": Advice(
            "Report the theft or loss to the police and, for a firearm, to ATF (Form "
            "3310.11, within 48 hours), then record it with both report numbers.",
            DISPOSE,
        ),
        "RNT-1": Advice(
            "Register the rental house as a supplier of kind rental house, then record the "
            "pick-up or the return under it.",
            SUPPLIERS,
        ),
        "RNT-2": Advice(
            "Check the serial stamped on the weapon against the rental invoice. Have the "
            "rental house correct the invoice, or leave the weapon with them."
        ),
        "RNT-3": Advice(
            "Return it to the rental house on its rental agreement; an item the production "
            "owns leaves by a disposition instead.",
            DISPOSE,
        ),
        "RNT-4": Advice(
            "Take it back from whoever holds it first; wait until the evidence is released "
            "and the stand-down lifted.",
            TAKE_BACK,
        ),
        "RNT-5": Advice("Type your own PIN to sign the return."),
        "RNT-6": Advice(
            "It was returned to its rental house: nothing more is recorded against it. If "
            "it is rented again, register it anew and record the new pick-up."
        ),
        "RNT-7": Advice(
            "Return it to its rental house; a theft or loss is recorded with the police "
            "and ATF report numbers.",
            RENTALS,
        ),
        "INS-1": Advice(
            "Ask the armorer to open the weapon, check the barrel and every chamber, and show you."
        ),
        "INS-2": Advice(
            "Record what is in every chamber (empty, dummy or blank) and the barrel.", HANDOFF
        ),
        "INS-3": Advice(
            "Inspect the weapon again now, in front of the person who will receive it.", HANDOFF
        ),
        "INS-4": Advice(
            "Load the weapon for what the scene plan calls for and inspect it again. A "
            "weapon with an obstructed barrel, a live round or an unchecked dummy is never "
            "handed over.",
            HANDOFF,
        ),
        "INS-5": Advice(
            "Show the recipient every chamber and the barrel, tick them as shown, and have "
            "them type their own PIN.",
            HANDOFF,
        ),
        "INS-6": Advice(
            "Show the weapon open to the 1st AD or the safety rep as well, and tick them "
            "under “Shown open to”.",
            HANDOFF,
        ),
        "TRN-1": Advice(
            "Train the recipient in what is missing before the weapon is handed over.",
            TRAINING,
        ),
        "TRN-2": Advice(
            "The recipient turned this training down, so they may not do it. Change the "
            "scene plan, or train them first.",
            TRAINING,
        ),
        "TRN-3": Advice("Training is recorded by the armorer, as the trainer.", TRAINING),
        "TRN-4": Advice(
            "Record the course each person named is missing (the handler course for "
            "performers, the near-firearms course for crew near the firing line), or take "
            "them off the scene plan.",
            TRAINING,
        ),
        "SCN-1": Advice("Have the armorer and the 1st AD approve the scene plan.", SCENES),
        "SCN-2": Advice(
            "Add the weapon and the performer to the scene plan; the changed plan is "
            "approved again.",
            SCENES,
        ),
        "SCN-3": Advice(
            "Hold today's safety meeting for this scene with the recipient there, and "
            "record who came.",
            SCENES,
        ),
        "SCN-4": Advice(
            "Use a non-firing replica, or add a protection: a shield or a remote camera "
            "toward the lens, a cheated angle toward a person (some productions' rules "
            "never allow pointing at a person).",
            SCENES,
        ),
        "SCN-5": Advice(
            "Move people back to the stand-off distance, or plan close-quarter blanks and shields.",
            SCENES,
        ),
        "SCN-6": Advice(
            "Ask the armorer or the 1st AD to approve the plan or hold the meeting.", SCENES
        ),
        "RHR-1": Advice(
            "List a firing weapon as the hero; for the line-up or the rehearsal choose the "
            "rubber gun or a non-firing replica.",
            SCENES,
        ),
        "RHR-2": Advice(
            "Plan the rubber gun or a replica for the rehearsal, or write why this "
            "rehearsal needs the firing weapon when you approve it.",
            SCENES,
        ),
        "RHR-3": Advice(
            "Issue the rubber gun or the replica instead, or have the armorer and the 1st "
            "AD each approve the rehearsal with the reason it needs the firing weapon.",
            SCENES,
        ),
        "PUB-1": Advice(
            "Add the permit number and who issued it, who at the police was told, when, "
            "and their reference, and the officer's name if one must be there, to the "
            "plan; then approve it.",
            SCENES,
        ),
        "OUT-1": Advice(
            "Give the time it was said or sent as it was: not later than now, and not "
            "before the production began.",
            CONCERNS,
        ),
        "CON-1": Advice(
            "A safety concern stops this until it is resolved: everyone it reached "
            "acknowledges it, then one of them records what was done.",
            CONCERNS,
        ),
        "CON-2": Advice("Only someone the concern was sent to can acknowledge it, once.", CONCERNS),
        "CON-3": Advice(
            "Everyone the concern was sent to acknowledges it first; then a producer, the "
            "UPM, the safety rep, the 1st AD or the armorer records what was done.",
            CONCERNS,
        ),
        "INC-1": Advice(
            "Firearms stand down until the review of the incident is signed off by the "
            "safety rep or the armorer, and after a discharge or an injury countersigned "
            "by the armorer.",
            INCIDENTS,
        ),
        "INC-2": Advice(
            "Ask the safety rep, or a holder of firearm-safety authority, who did not "
            "report the incident, hold the weapon or take part in it, to sign off the "
            "review.",
            INCIDENTS,
        ),
        "INC-3": Advice("Type your own PIN to sign; nobody signs for someone else.", INCIDENTS),
        "INC-4": Advice(
            "Once the review is signed off, an armorer other than its first signer "
            "countersigns it.",
            INCIDENTS,
        ),
        "EVD-1": Advice(
            "Leave it as it is: it is evidence of an incident. Hand it over to the "
            "investigator, or wait until the review is signed off.",
            EVIDENCE,
        ),
        "EVD-2": Advice(
            "Give what was found to the armorer or a producer: they record it and sign for "
            "the handover to the investigator.",
            EVIDENCE,
        ),
        "EVD-3": Advice(
            "It is already with an investigator: record a transfer of it instead. Take an "
            "issued weapon back before handing it over.",
            EVIDENCE,
        ),
        "DAY-1": Advice(
            "Count every lot's box and give each count. Find missing rounds, or report "
            "them, before the day is closed.",
            UNACCOUNTED,
        ),
        "DAY-2": Advice(
            "Take every weapon back and put it in locked storage before the day is closed.",
            TAKE_BACK,
        ),
        "PPL-1": Advice("Renew the expired permit or certificate, and have the new one recorded."),
        "PPL-2": Advice(
            "While firearms are in use, give the armorer's other jobs to someone else, or "
            "bring in another armorer."
        ),
        "PPL-3": Advice("Ask the person who holds hiring authority to do it."),
        "FIT-1": Advice(
            "Have the missing or expired permit, licence or training certificate recorded "
            "with its number and expiry, or give the work to someone who holds them.",
            PEOPLE,
        ),
        "FIT-2": Advice(
            "Record the person's credits as head armorer, or pair them with an "
            "experienced head armorer.",
            PEOPLE,
        ),
        "ESC-1": Advice(
            "Name the production's compliance contact, an escalation contact outside the "
            "set (studio safety, a union representative or the insurer) and the safety "
            "hotline, then approve the plan.",
            PEOPLE,
        ),
        "ESC-2": Advice(
            "Name someone outside the set's chain as the escalation contact: the studio's "
            "safety department, a union representative or the insurer.",
            PEOPLE,
        ),
        "TRF-1": Advice(
            "Ask the armorer of the unit the weapons are with to send them, typing their "
            "own PIN to sign as sender.",
            TRANSFERS,
        ),
        "TRF-2": Advice(
            "Ask the armorer of the unit it was sent to to check it in, typing their own PIN.",
            TRANSFERS,
        ),
        "TRF-3": Advice(
            "Nothing is sent while firearms stand down or while it is evidence: have the "
            "review signed off first, or hand the evidence to the investigator.",
            INCIDENTS,
        ),
        "TRF-4": Advice(
            "It is already on its way: wait until the transfer carrying it is checked in "
            "or turned away.",
            TRANSFERS,
        ),
        "TRF-5": Advice(
            "Take issued weapons back and put them where the transfer leaves from; send no "
            "more rounds than the box holds.",
            TAKE_BACK,
        ),
        "TRF-6": Advice(
            "It is in a carrier's hands: the receiving armorer checks the transfer in "
            "first, then it can be handled.",
            TRANSFERS,
        ),
        "TRF-7": Advice(
            "This transfer is already checked in or turned away; send a new one if the "
            "items travel again.",
            TRANSFERS,
        ),
        "TRF-8": Advice(
            "Name as the unit's armorer someone who holds firearm-safety authority.",
            PEOPLE,
        ),
        "CLK-1": Advice(
            "If this tablet was offline, the entry waited on it and nothing needs doing; "
            "otherwise check its date and time. The entry was recorded at the server's "
            "time; the tablet's time is kept beside it."
        ),
    }
)

UNKNOWN = Advice("Ask the armorer what to do.")


def advice(code: str) -> Advice:
    """The tablet's advice for a rule code."""
    return ADVICE.get(code, UNKNOWN)


@dataclass(frozen=True, slots=True)
class Broken:
    """One rule a command broke, with every detail of it, and what to do on the tablet."""

    code: str
    title: str
    details: tuple[str, ...]
    advice: Advice


def by_rule(violations: Iterable[Violation]) -> list[Broken]:
    """Violations gathered by rule, in the order the rules first appear: a rule broken
    in three chambers is one box with three details, and its advice once."""
    details: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for v in violations:
        details.setdefault(v.code, []).append(v.detail)
        titles.setdefault(v.code, v.title)
    return [Broken(code, titles[code], tuple(d), advice(code)) for code, d in details.items()]
