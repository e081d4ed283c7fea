"""Dossier as HTML (Jinja2, readable on a phone) and PDF (fpdf2, pure Python, for filing)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path

from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, select_autoescape

from coldcheck.reports import fonts
from coldcheck.reports.dossier import Dossier
from coldcheck.reports.text import visible


def _shown(value: object) -> object:
    return visible(value) if isinstance(value, str) else value


# Every value a template prints is HTML-escaped, and its control characters spelled out.
_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    finalize=_shown,
)


def html(d: Dossier) -> str:
    """The dossier as one self-contained HTML page."""
    return _ENV.get_template("dossier.html").render(d=d)


@dataclass(frozen=True, slots=True)
class Proof:
    """What ties a PDF to its proof bundle, printed on every page: the signed
    checkpoint the bundle proves against (tree size, root), the signing key's
    fingerprint (as `coldcheck key` prints it) and the SHA-256 of the bundle file."""

    size: int
    root: str
    key_fingerprint: str
    bundle_sha256: str

    @classmethod
    def of(cls, bundle_text: str) -> Proof:
        """The proof of a bundle, from the exact text that is served or saved."""
        b = json.loads(bundle_text)
        return cls(
            size=int(b["checkpoint"]["tree_size"]),
            root=str(b["checkpoint"]["root"]),
            key_fingerprint="SHA256:" + hashlib.sha256(bytes.fromhex(b["public_key"])).hexdigest(),
            bundle_sha256=hashlib.sha256(bundle_text.encode()).hexdigest(),
        )


# The steps' table, in mm across the page between its margins. A row longer than the
# page goes on over the next, under the headings again and its event number.
_COLUMNS = (14, 32, 34, 110)
_HEAD = ("Event", "When", "By", "What the record says")
_LINE = 5
# The total page count, written in when the document is done: made of characters typed
# text never holds after `visible` (it spells out NUL), so no typed text is replaced.
_PAGES = "\x00pages\x00"
_GREY = (90, 90, 90)


class Document(FPDF):
    """A4 in the embedded fonts, with a running header and "page N of M" on every page,
    and, for a dossier, the proof above it. Text is wrapped and given its font here:
    each run of characters in the main font or, for what it lacks, the fallback."""

    def __init__(
        self, running: str, proof: Proof | None = None, font_files: fonts.Fonts | None = None
    ) -> None:
        super().__init__(format="A4")
        font_files = font_files or fonts.DEBIAN
        fonts.use(self, font_files)  # Unavailable, before anything is drawn, if missing
        self.main, self.fallback = fonts.coverage(font_files)
        self.drawable = self.main | self.fallback
        self.rtl = _rtl(self.drawable)
        self.running = running
        self.proof = proof
        self.style = ""
        self.size = 10.0
        self.widths: dict[tuple[str, float], dict[str, float]] = {}
        self.alias_nb_pages(_PAGES)
        self.set_auto_page_break(True, margin=24)
        self.use("", 10)

    def use(self, style: str, size: float) -> None:
        self.style, self.size = style, size
        self.set_font(fonts.FAMILY, style, size)

    def t(self, text: str) -> str:
        """Text the fonts can draw: control characters and the characters neither font
        has spelled out as escapes (\\x1b, \\U000e0001), visibly, never dropped."""
        shown = visible(text)
        ok = self.drawable
        if all(ord(ch) in ok or ch in "\n\t" for ch in shown):
            return shown.replace("\t", "    ")
        return "".join(
            ch if ord(ch) in ok else "    " if ch == "\t" else ch if ch == "\n" else _escape(ch)
            for ch in shown
        )

    def width(self, text: str) -> float:
        table = self.widths.setdefault((self.style, self.size), {})
        total = 0.0
        for ch in text:
            w = table.get(ch)
            if w is None:
                w = table[ch] = self._measure(ch)
            total += w
        return total

    def _measure(self, ch: str) -> float:
        if ord(ch) in self.main or ord(ch) not in self.fallback:
            return self.get_string_width(ch)
        self.set_font(fonts.FALLBACK, "", self.size)
        w = self.get_string_width(ch)
        self.set_font(fonts.FAMILY, self.style, self.size)
        return w

    def wrap(self, width: float, text: str) -> list[str]:
        """The text (already through `t`) in lines no wider than `width`: broken at
        spaces, and a word longer than a line between characters."""
        lines: list[str] = []
        for part in text.split("\n"):
            if self.width(part) <= width:
                lines.append(part)
                continue
            line = ""
            for word in re.split(r"(?<= )", part):
                if self.width(line + word) <= width:
                    line += word
                    continue
                if line:
                    lines.append(line.rstrip(" "))
                    line = ""
                while self.width(word) > width:
                    cut = 1
                    while cut < len(word) and self.width(word[: cut + 1]) <= width:
                        cut += 1
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line.rstrip(" "))
        return lines

    def draw(self, x: float, y: float, height: float, line: str) -> None:
        """One line at (x, y), each run in the font that has its glyphs. A line with
        right-to-left letters goes through fpdf2's cell, which orders it for reading
        (Unicode's bidirectional algorithm); any other is written as it is, faster."""
        if not line:
            return
        runs = [
            (fallback, "".join(ch for _, ch in group))
            for fallback, group in groupby(
                ((ord(ch) in self.fallback, ch) for ch in line), key=lambda p: p[0]
            )
        ]
        ordered = not self.rtl.isdisjoint(map(ord, line))
        for fallback, run in runs:
            if fallback:
                self.set_font(fonts.FALLBACK, "", self.size)
            w = self.width(run)
            if ordered:
                self.set_xy(x, y)
                self.cell(w + 0.01, height, run)
            else:  # on the baseline where a cell of this height puts it
                self.text(x, y + 0.5 * height + 0.3 * self.font_size, run)
            if fallback:
                self.set_font(fonts.FAMILY, self.style, self.size)
            x += w

    def para(self, height: float, text: str) -> None:
        """A paragraph across the page, continued on the next when it runs out."""
        for line in self.wrap(self.w - self.l_margin - self.r_margin, self.t(text)):
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
            y = self.get_y()
            self.draw(self.l_margin, y, height, line)
            self.set_xy(self.l_margin, y + height)

    def header(self) -> None:
        size, style = self.size, self.style
        self.use("", 8)
        self.set_text_color(*_GREY)
        self.set_y(self.t_margin)
        for line in self.wrap(self.w - self.l_margin - self.r_margin, self.t(self.running)):
            self.draw(self.l_margin, self.get_y(), 4, line)
            self.set_xy(self.l_margin, self.get_y() + 4)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.set_y(self.get_y() + 4)
        self.set_text_color(0)
        self.use(style, size)

    def footer(self) -> None:
        size, style = self.size, self.style
        y = self.h - 21
        self.set_text_color(*_GREY)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.use("", 6.5)
        if self.proof is not None:
            p = self.proof
            for n, line in enumerate(
                (
                    f"Signed checkpoint: tree size {p.size}, root {p.root}",
                    f"Signing key fingerprint: {p.key_fingerprint}",
                    f"Proof bundle SHA-256: {p.bundle_sha256}",
                )
            ):
                self.draw(self.l_margin, y + 1 + 3 * n, 3, line)
        self.use("", 8)
        self.set_xy(self.l_margin, y + 11)
        self.cell(0, 4, f"Page {self.page_no()} of {_PAGES}", align="R")
        self.set_text_color(0)
        self.use(style, size)

    def row(self, widths: Sequence[float], cells: Sequence[list[str]]) -> int:
        """Draw what fits of one row from the current y: how many lines it drew."""
        room = int((self.page_break_trigger - self.get_y()) // _LINE)
        if room < 1:
            return 0
        height = min(room, max(len(c) for c in cells))
        x, y = self.l_margin, self.get_y()
        for width, lines in zip(widths, cells, strict=True):
            self.rect(x, y, width, height * _LINE)
            for n, line in enumerate(lines[:height]):
                self.draw(x + 1, y + n * _LINE, _LINE, line)
            x += width
        self.set_xy(self.l_margin, y + height * _LINE)
        return height

    def grid(
        self, widths: Sequence[float], head: Sequence[str], rows: Iterable[Sequence[str]]
    ) -> None:
        """A table drawn directly (fpdf2's own lays each row out twice, and took half a
        minute for ten thousand). A row longer than the page goes on over the next, under
        the headings again and its first cell (an event number, an item) again."""
        size, style = self.size, self.style
        headings = [self.wrap(w - 2, self.t(h)) for w, h in zip(widths, head, strict=True)]

        def heading() -> None:
            self.use("B", size)
            if not self.row(widths, headings):
                self.add_page()
                self.row(widths, headings)
            self.use(style, size)

        heading()
        for cells in rows:
            lines = [self.wrap(w - 2, self.t(c)) for w, c in zip(widths, cells, strict=True)]
            first, rest = lines[0], lines[1:]
            while True:
                drawn = self.row(widths, [first, *rest])
                first, rest = first[drawn:] or first[:1], [c[drawn:] for c in rest]
                if not any(rest):
                    break
                self.add_page()
                heading()


@lru_cache(maxsize=4)
def _rtl(drawable: frozenset[int]) -> frozenset[int]:
    return frozenset(cp for cp in drawable if unicodedata.bidirectional(chr(cp)) in _RTL)


_RTL = ("R", "AL", "AN", "RLE", "RLO", "RLI")


def _escape(ch: str) -> str:
    cp = ord(ch)
    return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"


def pdf(d: Dossier, proof: Proof, font_files: fonts.Fonts | None = None) -> bytes:
    """The dossier as a PDF: a title page, then one part per question; every page names
    the production, the scope and the generation time, and the proof it ties to."""
    made = d.when(d.generated_at)
    running = f"{d.name} ({d.production_id}) · Dossier of {d.subject} · generated {made}"
    doc = Document(running, proof, font_files)
    doc.set_title(doc.t(f"Dossier: {d.name} - {d.scope}"))
    doc.add_page()
    doc.use("B", 18)
    doc.para(10, f"Dossier: {d.name} ({d.production_id})")
    doc.use("", 11)
    doc.para(
        6,
        (
            f"Scope: {d.scope}.\nGenerated {d.when(d.generated_at)} from the record at event "
            f"#{d.head_seq}. Every statement cites the events (#seq) it rests on; the proof "
            "bundle whose SHA-256 is printed at the foot of every page proves each cited "
            "event against the signed checkpoint printed beside it (coldcheck verify-bundle). "
            '"By" names the sender and how they proved who they are: a password log-in, a '
            "device token, or the server's console (whoever holds the database: a claim, not "
            "a proof).\nNames and texts are printed as typed, in embedded fonts; control "
            "characters, and the few characters these fonts have no glyph for, are written "
            "as escapes (\\x1b, \\U0001f9ff)."
        ),
    )
    for sec in d.sections:
        doc.add_page()
        doc.use("B", 14)
        doc.para(8, f"{sec.number}. {sec.title}")
        if not sec.answers:
            doc.use("", 10)
            doc.para(6, "Nothing in the record for this scope.")
        for a in sec.answers:
            doc.use("B", 11)
            doc.para(6, a.question)
            cites = ", ".join(f"#{n}" for n in sorted(set(a.seqs)))
            # A flagged summary (evidence filed elsewhere) in bold red, as the HTML draws it.
            doc.use("B" if a.flagged else "", 10)
            doc.set_text_color(*((176, 0, 32) if a.flagged else (0, 0, 0)))
            doc.para(5, a.summary + (f" [{cites}]" if cites else ""))
            doc.set_text_color(0)
            if a.steps:
                doc.use("", 10)
                rows = ((f"#{s.seq}", d.when(s.at) if s.at else "", s.by, s.text) for s in a.steps)
                doc.grid(_COLUMNS, _HEAD, rows)
            doc.ln(3)
    return bytes(doc.output())
