"""The 2019 share per venue-year: PyTorch / (PyTorch + TensorFlow) among papers naming one.

Definition ``pt-vs-tf`` (the study's): papers naming exactly one of the two count; papers
naming both or neither are left out of the share but kept in the counts.
"""

from __future__ import annotations

from fwcensus.aggregate.intervals import wilson
from fwcensus.models import Selection, ShareRow
from fwcensus.store import Store

DEFINITION = "pt-vs-tf"
DEFINITION_TEXT = (
    "PyTorch share = papers naming PyTorch but not TensorFlow / papers naming exactly one of "
    "the two (the 2019 study's definition); 95% Wilson interval"
)


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
    )


ALL_VENUES = "All venues"


def aggregate_shares(store: Store, method: str) -> list[ShareRow]:
    """Recompute every venue-year's row for ``method``, plus one row per year over all venues
    that counts each work once (a venue paper and its arXiv preprint are one work), and store
    them, replacing older rows."""
    rows = [share_row(counts, method) for counts in store.venue_year_counts(Selection(), method)]
    venues = {row.venue for row in rows}
    if len(venues) > 1:
        rows += [
            share_row({**counts, "venue": ALL_VENUES, "track": "main"}, method)
            for counts in store.work_year_counts(Selection(), method)
        ]
    store.replace_shares(method, rows)
    return rows
