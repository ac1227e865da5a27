"""The 2019 share per venue-year: PyTorch / (PyTorch + TensorFlow) among papers using one.

Definition ``pt-vs-tf`` (the study's): papers using exactly one of the two count; papers using
both or neither are left out of the share but kept in the counts. Under ``substring-2019``
"using" is "naming anywhere in the text", the study's assumption; under ``evidence`` it is the
``combined`` source: the text says used or the paper's own code does (``repos.verdict``), with
families merged as ``fwcensus eval`` merges them (Keras counts as TensorFlow).
"""

from __future__ import annotations

from fwcensus.aggregate.intervals import wilson
from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.detect.methods import EVIDENCE
from fwcensus.models import Selection, ShareRow
from fwcensus.store import Store
from fwcensus.store.shares import CountedAs

DEFINITION = "pt-vs-tf"
DEFINITION_TEXT = (
    "PyTorch share = papers using PyTorch but not TensorFlow / papers using exactly one of "
    "the two (the 2019 study's definition); 95% Wilson interval"
)
# What "using" rests on per method (the shares' ``source`` column).
TEXT, COMBINED = "text", "combined"
SOURCES = {EVIDENCE: COMBINED}


def counted_as(method: str) -> CountedAs:
    catalogue = load_catalogue()

    def members(family: str) -> tuple[str, ...]:
        return tuple(f.id for f in catalogue.frameworks if f.family == family)

    return CountedAs(members("pytorch"), members("tensorflow"), SOURCES.get(method) == COMBINED)


def share_row(counts: dict[str, int | str], method: str) -> ShareRow:
    both = int(counts["both"])
    pt_only = int(counts["pytorch"]) - both
    tf_only = int(counts["tensorflow"]) - both
    interval = wilson(pt_only, pt_only + tf_only)
    return ShareRow(
        venue=str(counts["venue"]),
        year=int(counts["year"]),
        track=str(counts["track"]),
        method=method,
        listed=int(counts["listed"]),
        fetched=int(counts["fetched"]),
        with_text=int(counts["with_text"]),
        pytorch=int(counts["pytorch"]),
        tensorflow=int(counts["tensorflow"]),
        both=both,
        neither=int(counts["neither"]),
        share=pt_only / (pt_only + tf_only) if interval else None,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        source=SOURCES.get(method, TEXT),
    )


ALL_VENUES = "All venues"


def aggregate_shares(store: Store, method: str) -> list[ShareRow]:
    """Recompute every venue-year's row for ``method``, plus one row per year over all venues
    that counts each work once (a venue paper and its arXiv preprint are one work), and store
    them, replacing older rows."""
    counted = counted_as(method)
    rows = [
        share_row(counts, method)
        for counts in store.shares.venue_year_counts(Selection(), method, counted)
    ]
    venues = {row.venue for row in rows}
    if len(venues) > 1:
        rows += [
            share_row({**counts, "venue": ALL_VENUES, "track": "main"}, method)
            for counts in store.shares.work_year_counts(Selection(), method, counted)
        ]
    store.shares.replace(method, rows)
    return rows
