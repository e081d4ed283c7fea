"""The fonts the PDFs embed, so a name prints as it was typed in any script: Debian's
DejaVu Sans (fonts-dejavu-core: Latin, Greek, Cyrillic, Hebrew, Arabic, many symbols)
and Droid Sans Fallback (fonts-droid-fallback: Chinese, Japanese, Korean) for what DejaVu
lacks. `scripts/ensure-fonts` installs both; without them no PDF is made (`Unavailable`),
never one in a font that would drop what was typed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from coldcheck.domain.errors import Unavailable

FAMILY = "DejaVu"
FALLBACK = "DroidFallback"
_PACKAGES = "fonts-dejavu-core and fonts-droid-fallback"


@dataclass(frozen=True, slots=True)
class Fonts:
    regular: Path
    bold: Path
    fallback: Path

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.regular, self.bold, self.fallback)


DEBIAN = Fonts(
    regular=Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    bold=Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    fallback=Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)


def use(doc: FPDF, fonts: Fonts = DEBIAN) -> None:
    """Add the fonts to a document (embedded, subset to the glyphs it draws). Which
    font draws a character is the report's choice (`coverage`): fpdf2's own fallback
    looks every character up on every draw, and made a long dossier four times slower."""
    missing = [str(p) for p in fonts.files if not p.is_file()]
    if missing:
        raise Unavailable(
            f"the PDF's fonts are not installed ({', '.join(missing)} missing): install "
            f"Debian's {_PACKAGES} (scripts/ensure-fonts); no PDF was made"
        )
    doc.add_font(FAMILY, "", str(fonts.regular))
    doc.add_font(FAMILY, "B", str(fonts.bold))
    doc.add_font(FALLBACK, "", str(fonts.fallback))


def coverage(fonts: Fonts = DEBIAN) -> tuple[frozenset[int], frozenset[int]]:
    """The characters the main font has a glyph for (in regular and bold), and those
    only the fallback has."""
    return _covered(fonts.regular, fonts.bold, fonts.fallback)


@lru_cache(maxsize=4)
def _covered(regular: Path, bold: Path, fallback: Path) -> tuple[frozenset[int], frozenset[int]]:
    def cmap(path: Path) -> set[int]:
        with TTFont(path, lazy=True) as font:
            return set(font.getBestCmap())

    main = frozenset(cmap(regular) & cmap(bold))
    return main, frozenset(cmap(fallback) - main)
