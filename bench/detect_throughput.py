"""Detect throughput: the `evidence` method against a plain regex scan of the same pages.

The pages are generated papers (demo/papertext.py: related work, implementation details,
footnotes, references) cut into pages of about 3,500 characters, the size of a two-column page.
The plain scan is one case-insensitive alternation of every framework name in the catalogue,
run with ``finditer`` over each page: the least any detection must do. Goal: `evidence`
within 3x of it.

    .venv/bin/python bench/detect_throughput.py [--papers N]
"""

from __future__ import annotations

import argparse
import random
import re
import time

from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.demo.papertext import FRAMEWORKS, Usage, make_paper, make_title, make_topic
from fwcensus.detect import evidence
from fwcensus.extract.sections import find_sections

PAGE_CHARS = 3500


def papers(count: int) -> list[list[str]]:
    rng = random.Random(7)
    result = []
    for _ in range(count):
        picked = rng.sample(FRAMEWORKS, 3)
        usage = Usage(used=(picked[0],), mentioned=(picked[1],), cited=(picked[2],))
        year = rng.choice((2016, 2019, 2021, 2023))
        topic = make_topic(rng, year)
        doc = make_paper(rng, usage, year, topic, make_title(rng, topic), ["A B", "C D"])
        body = [doc.title, doc.abstract]
        for number, (heading, paragraphs) in enumerate(doc.sections, 1):
            body += [f"{number} {heading}", *paragraphs]
        body += [*doc.footnotes, "References"]
        body += [f"[{i}] {entry}" for i, entry in enumerate(doc.references, 1)]
        text = "\n".join(body) * 3  # real papers are about three times longer
        result.append([text[i : i + PAGE_CHARS] for i in range(0, len(text), PAGE_CHARS)])
    return result


def plain_pattern() -> re.Pattern[str]:
    catalogue = load_catalogue()
    names = [alias for f in catalogue.frameworks for alias in f.aliases]
    names += [alias for lib in catalogue.libraries for alias in lib.aliases]
    return re.compile("|".join(f"(?:{n})" for n in names), re.IGNORECASE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=300)
    args = parser.parse_args()
    corpus = papers(args.papers)
    pages = sum(len(p) for p in corpus)
    pattern = plain_pattern()

    start = time.perf_counter()
    hits = sum(1 for paper in corpus for page in paper for _ in pattern.finditer(page))
    plain = time.perf_counter() - start

    sections = [find_sections(paper) for paper in corpus]  # made once, at extraction
    start = time.perf_counter()
    verdicts = sum(len(evidence.detect(p, s)) for p, s in zip(corpus, sections, strict=True))
    detect = time.perf_counter() - start

    print(
        f"detect throughput: {args.papers} generated papers, {pages} pages; "
        f"plain regex scan {pages / plain:,.0f} pages/s ({hits} hits); "
        f"evidence {pages / detect:,.0f} pages/s ({verdicts} verdicts); "
        f"evidence / plain time = {detect / plain:.2f}x (goal <= 3x)"
    )


if __name__ == "__main__":
    main()
