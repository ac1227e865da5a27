"""Write ECVA's ``papers.php`` (every ECCV from 2018 on one page) into a mirror folder.

No copy of the real page was found (see tests/fixtures/ecva/README.md), so the markup follows
what public scrapers of the page quote and rely on: per year a ``<!-- ECCV YYYY -->`` comment,
``<button class="accordion">ECCV YYYY Papers</button>``, then ``div.accordion-content >
div#content > dl`` closed by ``</dl> </div>\\n\\t</div>``; per paper a ``dt.ptitle`` with the
title link, a ``dd`` of plain-text authors, and a ``dd`` of single-quoted ``[pdf]`` and
supplementary links plus the Springer chapter. The years differ in naming:

- 2018: single-quoted title hrefs; page and PDF named by the CVF-style slug
  (``Xin_Wang_SkipNet_Learning_Dynamic_ECCV_2018_paper``); authors "Last, First and Last, First";
- 2020 and 2022: unquoted title hrefs to ``html/{submission}_ECCV_YYYY_paper.php``; PDFs named
  ``{LNCS volume}{first page:04}.pdf``; authors "First Last, First Last";
- 2024: as 2022, but PDFs named ``{submission:05}.pdf`` and the first author starred.

The page head and the split into volumes are the project's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fwcensus.demo.sites.markup import bibtex_name, escape_attr, escape_text
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.sources.ecva import BIBTEX_AUTHORS_UNTIL, PAPERS_URL

SITE = "https://www.ecva.net"
# The first LNCS volume of each year whose PDFs are named by volume and page.
FIRST_LNCS_VOLUME = {2020: 12346, 2022: 13661}
PAPERS_PER_VOLUME = 45
PAGES_PER_PAPER = 17
# Years whose files are named by the CVF-style slug, like the CVF copies of the same papers.
SLUG_NAMED_UNTIL = 2018
STARRED_FROM = 2024


@dataclass(frozen=True)
class EcvaEntry:
    """One paper as the ECVA page lists it."""

    title: str
    authors: tuple[str, ...]
    # 2018: the slug naming its page and PDF; later: the submission number naming its page.
    paper_id: str
    doi: str | None = None  # the Springer chapter's, e.g. "10.1007/978-3-030-58452-8_1"
    has_supp: bool = False


def page_url(year: int, entry: EcvaEntry) -> str:
    return f"{SITE}/{_folder(year)}/html/{_page_stem(year, entry)}.php"


def write_ecva_papers(
    root: Path, sections: Mapping[int, Sequence[EcvaEntry]]
) -> dict[int, list[str]]:
    """Write ``papers.php`` with one section per year (newest first) under ``root``.

    Returns each year's PDF URLs in listing order. 2020 and 2022 papers fill LNCS volumes in
    listing order, ``PAPERS_PER_VOLUME`` to a volume.
    """
    pdf_urls = {year: _pdf_urls(year, entries) for year, entries in sections.items()}
    body = "".join(
        _section(year, sections[year], pdf_urls[year]) for year in sorted(sections, reverse=True)
    )
    write_mirror_file(root, PAPERS_URL, _HEAD + body + _TAIL)
    return pdf_urls


def _folder(year: int) -> str:
    return f"papers/eccv_{year}/papers_ECCV"


def _page_stem(year: int, entry: EcvaEntry) -> str:
    return entry.paper_id if year <= SLUG_NAMED_UNTIL else f"{entry.paper_id}_ECCV_{year}_paper"


def _pdf_urls(year: int, entries: Sequence[EcvaEntry]) -> list[str]:
    return [
        f"{SITE}/{_folder(year)}/papers/{_pdf_stem(year, e, i)}.pdf" for i, e in enumerate(entries)
    ]


def _pdf_stem(year: int, entry: EcvaEntry, index: int) -> str:
    if year <= SLUG_NAMED_UNTIL:
        return entry.paper_id
    first_volume = FIRST_LNCS_VOLUME.get(year)
    if first_volume is None:
        return f"{int(entry.paper_id):05d}"
    volume, position = divmod(index, PAPERS_PER_VOLUME)
    return f"{first_volume + volume}{1 + position * PAGES_PER_PAPER:04d}"


def _section(year: int, entries: Sequence[EcvaEntry], pdf_urls: Sequence[str]) -> str:
    items = "".join(_entry(year, e, url) for e, url in zip(entries, pdf_urls, strict=True))
    return (
        f"\t<!-- ECCV {year} -->\n"
        f'\t<button class="accordion">ECCV {year} Papers</button>\n'
        '\t<div class="accordion-content">\n'
        '\t<div id="content">\n'
        "\t<dl>\n"
        f"{items}"
        "</dl> </div>\n\t</div>\n\n\n"
    )


def _entry(year: int, entry: EcvaEntry, pdf_url: str) -> str:
    pdf = pdf_url.removeprefix(f"{SITE}/")
    links = [f"[<a href='{escape_attr(pdf)}'>pdf</a>]"]
    if entry.has_supp:
        supp = pdf.removesuffix(".pdf") + "-supp.pdf"
        links.append(f"[<a href='{escape_attr(supp)}'>supplementary material</a>]")
    if entry.doi:
        links.append(
            f"[<a href='https://link.springer.com/chapter/{escape_attr(entry.doi)}'>DOI</a>]"
        )
    html_path = page_url(year, entry).removeprefix(f"{SITE}/")
    href = f"'{escape_attr(html_path)}'" if year <= SLUG_NAMED_UNTIL else html_path
    return (
        '<dt class="ptitle"><br>\n'
        f"<a href={href}>\n{escape_text(entry.title)}</a>\n"
        "</dt>\n"
        f"<dd>\n{escape_text(_authors(year, entry.authors))}\n</dd>\n"
        "<dd>\n" + "\n".join(links) + "\n</dd>\n"
    )


def _authors(year: int, authors: Sequence[str]) -> str:
    if year <= BIBTEX_AUTHORS_UNTIL:
        return " and ".join(bibtex_name(author) for author in authors)
    if year >= STARRED_FROM and authors:
        return ", ".join([f"{authors[0]}*", *authors[1:]])
    return ", ".join(authors)


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ECVA | European Computer Vision Association</title>
<link rel="stylesheet" href="css/papers.css">
</head>
<body>
<div id="header"><a href="index.php">European Computer Vision Association</a></div>
<div class="container">
<h2>ECCV Papers</h2>
<p>Open access versions of the papers of the European Conference on Computer Vision.</p>

"""

_TAIL = """</div>
<script>
var acc = document.getElementsByClassName("accordion");
for (var i = 0; i < acc.length; i++) {
  acc[i].addEventListener("click", function() {
    this.classList.toggle("active");
    var panel = this.nextElementSibling;
    panel.style.display = panel.style.display === "block" ? "none" : "block";
  });
}
</script>
</body>
</html>
"""
