"""The detect stage: run a method over every paper whose text it has not judged yet.

It never goes to the network: libraries the catalogue does not know are resolved from what the
repos stage (or ``inspect --repos``) learned and kept beside the store (``fwcensus.libraries``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from fwcensus.detect import evidence, substring2019
from fwcensus.detect.library_names import Resolve
from fwcensus.errors import ConfigError
from fwcensus.models import ExtractedText, Selection, Verdict
from fwcensus.progress import progress_bar
from fwcensus.store import Store

log = logging.getLogger(__name__)

METHODS: dict[str, Callable[[ExtractedText, Resolve | None], list[Verdict]]] = {
    # The default. The sections the extract stage stored (found with the PDF's own title), as
    # inspect uses.
    evidence.METHOD: lambda text, resolve: evidence.detect(
        text.pages, text.sections or None, resolve
    ),
    # The 2019 study searched the whole text: sections play no part.
    substring2019.METHOD: lambda text, _: substring2019.detect(list(text.pages)),
}


# The version of each method's rules; a stored verdict made by another one is judged again.
DETECTORS: dict[str, str] = {
    substring2019.METHOD: f"{substring2019.METHOD}/1",
    evidence.METHOD: f"{evidence.METHOD}/{evidence.VERSION}",
}


@dataclass(frozen=True)
class DetectSummary:
    method: str
    papers: int
    with_verdicts: int


def detect_papers(
    store: Store, selection: Selection, method: str, resolve: Resolve | None = None
) -> DetectSummary:
    if method not in METHODS:
        raise ConfigError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    detect = METHODS[method]
    detector = DETECTORS[method]
    jobs = store.verdicts.jobs(selection, method, detector)
    log.info("detect (%s): %d papers to judge", method, len(jobs))
    positive = 0
    with progress_bar(f"detect ({method})", total=len(jobs), unit="papers") as advance:
        for job in jobs:
            verdicts = detect(store.texts.load(job.text_sha256), resolve)
            store.verdicts.save(job.paper_id, method, job.text_sha256, verdicts, detector)
            positive += bool(verdicts)
            advance()
    return DetectSummary(method, len(jobs), positive)
