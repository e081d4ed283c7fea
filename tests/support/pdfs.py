"""Dossier PDFs made as the API and CLI make them, and read back with an independent
parser (pypdf), never with the writer's own code."""

from __future__ import annotations

import io

from pypdf import PdfReader

from coldcheck import bundle
from coldcheck.reports import render
from coldcheck.reports.dossier import Dossier
from coldcheck.service import ColdCheck


def bundle_text(app: ColdCheck, d: Dossier) -> str:
    """The proof bundle the dossier's request serves in the PDF's place."""
    return bundle.dumps(bundle.build(app, d.production_id, d.cited))


def dossier_pdf(app: ColdCheck, d: Dossier) -> bytes:
    return render.pdf(d, render.Proof.of(bundle_text(app, d)))


def pages(data: bytes) -> list[str]:
    """The text of each page, as a reader's copy-and-paste would give it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def text(data: bytes) -> str:
    return "\n".join(pages(data))
