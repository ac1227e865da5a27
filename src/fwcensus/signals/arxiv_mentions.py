"""arXiv papers per month whose text uses each framework: the measure the PyTorch paper of 2019
plotted from arXiv, set beside the industry signals.

No API is asked: the numbers are the verdicts under the ``evidence`` method of the papers the
bulk arXiv runs read (``fwcensus bulk arxiv``: their Parquet partitions, through DuckDB) when
there are any, else of the store's own arXiv papers (``fwcensus collect --venue arXiv``, then
fetch, extract and detect), read through ``LocalData.arxiv_months`` (signals/local.py). Each
month is kept with the ids of the papers behind every value (arXiv ids under a
``fwcensus-bulk:`` address, the store's paper ids under ``fwcensus-store:``), so a value leads
to its papers. Months are those of
the arXiv identifier (the first version). As the store can gain papers of any month (a later
collect, a PDF fetched late), every month is counted again on every run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.signals.base import Batch, Fetched, Measure, PaperMonth, SignalContext, Value

METHOD = "evidence"
SERIES = "arxiv"
USING = "papers-using"
WITH_TEXT = "papers-with-text"
SOURCE = "fwcensus-store:papers?venue=arXiv&method={method}&month={month}"
BULK_SOURCE = "fwcensus-bulk:arxiv?method={method}&month={month}"


class ArxivMentionsSignal:
    name = "arxiv-mentions"
    title = "arXiv papers using each framework"
    hosts = ()
    target_fields = ()
    measures = (
        Measure(
            USING,
            unit="papers",
            kind="monthly",
            query=f"the arXiv papers of the month (by identifier) read by the bulk runs, else"
            f" in the store, whose text the {METHOD} method judges to use the framework",
            description="arXiv papers of the month (every category the bulk runs read, or"
            " those collected) whose text says they used the framework.",
            share_of=WITH_TEXT,
        ),
        Measure(
            WITH_TEXT,
            unit="papers",
            kind="monthly",
            query="the arXiv papers of the month whose text was read (bulk runs, else store)",
            description="arXiv papers of the month whose text was read (the same number for"
            " every framework), the denominator of the share.",
        ),
    )
    caveats = (
        "Counts the papers the bulk arXiv runs read (fwcensus bulk arxiv), each once at its"
        " highest version; without bulk runs, the arXiv papers this store holds with their"
        " text (fwcensus collect --venue arXiv, then fetch, extract and detect). A month partly"
        " read is partly counted, and is counted again on the next run.",
        f"'Uses' is the {METHOD} method's verdict on the text (not the paper's code); families"
        " are merged, so Keras counts as TensorFlow and Flax as JAX.",
        "Months are those of the arXiv identifier, the first version's month.",
    )

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        catalogue = load_catalogue()
        frameworks = [
            t.framework for t in ctx.targets if catalogue.family(t.framework) == t.framework
        ]
        for month in ctx.local.arxiv_months(METHOD):
            if month.month >= ctx.since:
                yield self._month(ctx, month, frameworks)

    @staticmethod
    def _month(ctx: SignalContext, month: PaperMonth, frameworks: list[str]) -> Batch:
        papers = {"with_text": list(month.with_text),
                  "using": {f: list(month.using.get(f, ())) for f in frameworks}}  # fmt: skip
        answer = Fetched(
            (BULK_SOURCE if month.bulk else SOURCE).format(method=METHOD, month=month.month),
            200,
            ctx.clock().isoformat(timespec="seconds"),
            json.dumps(papers, separators=(",", ":")).encode(),
            asked=False,
        )
        complete = ctx.complete(month.month)
        values = []
        for framework in frameworks:
            using = len(month.using.get(framework, ()))
            values.append(Value(framework, SERIES, USING, month.month, using, complete))
            values.append(
                Value(framework, SERIES, WITH_TEXT, month.month, len(month.with_text), complete)
            )
        return Batch((answer,), tuple(values))


SIGNAL = ArxivMentionsSignal()
