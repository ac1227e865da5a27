"""The extract stage: every fetched PDF without text gets its text (or its failure) stored."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fwcensus.extract.pdf_text import EXTRACTOR
from fwcensus.extract.pool import Limits, extract_many
from fwcensus.models import Selection, TextStatus
from fwcensus.progress import progress_bar
from fwcensus.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractSummary:
    ok: int
    no_text: int
    failed: int


def extract_texts(store: Store, selection: Selection, limits: Limits) -> ExtractSummary:
    jobs = store.texts.jobs(selection, EXTRACTOR)
    log.info("extract: %d PDFs to read", len(jobs))
    counts = dict.fromkeys(TextStatus, 0)
    with progress_bar("extract", total=len(jobs), unit="PDFs") as advance:
        for sha256, text in extract_many(((job.sha256, job.path) for job in jobs), limits):
            if text.status is not TextStatus.OK:
                log.info("PDF %s: %s: %s", sha256[:12], text.status.value, text.error)
            store.texts.save(sha256, text, EXTRACTOR)
            counts[text.status] += 1
            advance(text.error or "")
    return ExtractSummary(
        ok=counts[TextStatus.OK],
        no_text=counts[TextStatus.NO_TEXT],
        failed=counts[TextStatus.FAILED],
    )
