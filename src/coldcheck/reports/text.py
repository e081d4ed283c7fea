"""Text people typed, made safe to show in every output: the terminal, the PDF, the HTML
dossier and the bound-book CSV. The record keeps exactly what was typed; only the showing
changes, and visibly, so nothing typed is hidden, reordered or obeyed."""

from __future__ import annotations

# Characters a display obeys instead of showing: the C0 controls (ESC starts terminal
# sequences that clear the screen or set the window title, CR overwrites a line), DEL,
# the C1 controls (some terminals read 0x9b as ESC [), and the Unicode bidirectional
# controls, which reorder what a reader sees without changing what is stored. Newline
# and tab only lay text out, so they stay.
_OBEYED = [
    *range(0x20),
    0x7F,
    *range(0x80, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
_SPELLED = {
    cp: (f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}")
    for cp in _OBEYED
    if chr(cp) not in "\n\t"
}

# A spreadsheet reads a cell that begins with one of these as a formula (OWASP, "CSV
# Injection"): =HYPERLINK(…) or a DDE call in an item's serial would run on the
# auditor's machine.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def visible(text: str) -> str:
    """The text with every control character spelled out as an escape (ESC as \\x1b)."""
    return text.translate(_SPELLED)


def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading formula sign gets a quote before
    it, as OWASP advises, and control characters are spelled out."""
    shown = visible(text)
    return "'" + shown if text.startswith(_FORMULA_START) else shown
