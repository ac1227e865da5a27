"""Write PMLR volume pages into a mirror folder, in the markup of each render the site has had.

The project writes its own content into the real structure. No rendered volume page is recorded
(shared/fixtures-real/pmlr/PROVENANCE.md), so the markup follows what public sources show:
- ``Render.THEME_HTTP``: an entry of the live ICML 2021 page (v139) quoted in a public script:
  ``div.paper`` > ``p.title``, ``p.details`` with ``span.authors`` (names joined by
  ``,&nbsp;``) and ``span.info`` (``<i>booktitle</i>, PMLR 139:13012-13022``), and ``p.links``
  with ``[abs][Download PDF][Supplementary PDF]`` on one line, each download link with
  ``target="_blank"`` and a Google Analytics ``onclick``; every link http://.
- ``Render.THEME_HTTPS``: the same theme as the site renders it now, with https:// links.
- ``Render.LEGACY_2017``: the 2017 template (mlresearch/mlresearch.github.io,
  ``_includes/listpaper.html``): ``[abs]`` and ``[pdf]`` links on lines of their own and an info
  span ``PMLR 70:1-10``, no extra links.
The page around the entries follows the theme's volume layout (lawrennd/proceedings,
``_includes/pmlr/home.html``): an ``h2`` "Volume N: conference", a contents list, and for a
volume with sections an ``h3 id=…`` before each section's papers, papers without a section
last. Extra links render the posts' fields: ``software`` as ``[Software]``, ``openreview`` as
``[OpenReview]``, each ``extras`` item as ``[label]`` (v97 posts list code as ``label: Code``).
The usual PDF location per year is the one the volumes' posts give (see ``usual_pdf_url``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from fwcensus.demo.sites.markup import escape_text
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.sources.pmlr import BASE_URL, HOST, volume_of, volume_url

PAGES_PER_PAPER = 10
CONFERENCES = {
    "ICML": "International Conference on Machine Learning",
    "AISTATS": "International Conference on Artificial Intelligence and Statistics",
    "COLT": "Conference on Learning Theory",
    "CoRL": "Conference on Robot Learning",
}


class Render(StrEnum):
    LEGACY_2017 = "legacy-2017"
    THEME_HTTP = "theme-http"
    THEME_HTTPS = "theme-https"


@dataclass(frozen=True)
class PmlrEntry:
    """One paper as a PMLR volume page lists it."""

    paper_id: str  # PMLR's id, the stem of the paper's page and PDF: "abbati19a"
    title: str
    authors: tuple[str, ...]
    section: str | None = None  # title of the volume section it is listed under
    has_pdf: bool = True
    pdf_url: str | None = None  # a PDF elsewhere than the volume's usual place (/assets/…)
    software: str | None = None
    openreview: str | None = None
    extras: tuple[tuple[str, str], ...] = ()  # (label, link), as the posts' ``extras``


def usual_pdf_url(venue: str, year: int, paper_id: str) -> str:
    """Where a venue-year's PDFs usually are, per the volumes' posts.

    Flat ``/v37/ganin15.pdf`` up to 2015, a folder per paper from 2016, and from 2025 the
    volume's GitHub repository (``raw.githubusercontent.com/mlresearch/v267/main/assets/…``).
    """
    volume = volume_of(venue, year)
    if year >= 2025:
        repository = f"https://raw.githubusercontent.com/mlresearch/v{volume}/main"
        return f"{repository}/assets/{paper_id}/{paper_id}.pdf"
    if year <= 2015:
        return f"{BASE_URL}/v{volume}/{paper_id}.pdf"
    return f"{BASE_URL}/v{volume}/{paper_id}/{paper_id}.pdf"


def write_pmlr_volume(
    root: Path,
    venue: str,
    year: int,
    entries: Sequence[PmlrEntry],
    render: Render = Render.THEME_HTTPS,
) -> list[str | None]:
    """Write the volume page of one venue-year under ``root``; return each entry's PDF URL.

    The URLs are in the entries' order, https as the site serves them now (None for an entry
    without PDF), whatever scheme the render writes into the page.
    """
    volume = volume_of(venue, year)
    pdf_urls = [_pdf_url(venue, year, entry) for entry in entries]
    by_section: dict[str | None, list[tuple[int, PmlrEntry]]] = {}
    for position, entry in enumerate(entries):
        by_section.setdefault(entry.section, []).append((position, entry))
    body = []
    for section, members in sorted(by_section.items(), key=lambda item: item[0] is None):
        if section is not None:
            body.append(f'<h3 id="{_slug(section)}">{escape_text(section)}</h3>\n')
        body += [
            _entry(venue, year, volume, entry, pdf_urls[position], position, render)
            for position, entry in members
        ]
    sections = [section for section in by_section if section is not None]
    page = _page(venue, year, volume, sections, "".join(body))
    # The CVF writer puts any body where the mirror serves a URL, a page as well as a PDF.
    write_mirror_file(root, volume_url(venue, year), page.encode("utf-8"))
    return pdf_urls


def _pdf_url(venue: str, year: int, entry: PmlrEntry) -> str | None:
    if not entry.has_pdf:
        return None
    return entry.pdf_url or usual_pdf_url(venue, year, entry.paper_id)


def _as_rendered(url: str, render: Render) -> str:
    """The link as the render writes it: http:// for the site's own links on older renders."""
    if render is Render.THEME_HTTPS:
        return url
    return url.replace(f"https://{HOST}/", f"http://{HOST}/", 1)


def _entry(
    venue: str,
    year: int,
    volume: int,
    entry: PmlrEntry,
    pdf_url: str | None,
    position: int,
    render: Render,
) -> str:
    first = 1 + position * PAGES_PER_PAPER
    pages = f"PMLR {volume}:{first}-{first + PAGES_PER_PAPER - 1}"
    abs_url = _as_rendered(f"{BASE_URL}/v{volume}/{entry.paper_id}.html", render)
    pdf = _as_rendered(pdf_url, render) if pdf_url else None
    if render is Render.LEGACY_2017:
        return _entry_2017(entry, abs_url, pdf, pages)
    authors = ",&nbsp;".join(escape_text(author) for author in entry.authors)
    links = f'[<a href="{_jekyll_attr(abs_url)}">abs</a>]'
    if pdf:
        links += _tracked(pdf, "Download PDF", "'PDF Downloads', 'Download'", pdf, 10)
    if entry.openreview:
        forum = f"https://openreview.net/forum?id={entry.openreview}"
        links += _tracked(forum, "OpenReview", "'OpenReview site', 'Openreview'", forum, 0)
    if entry.software:
        software = entry.software
        links += _tracked(software, "Software", "'Software Link', 'Software'", software, 0)
    for label, link in entry.extras:
        link = _as_rendered(link, render)
        links += _tracked(link, label, "'Extra Downloads', 'Download'", label, 12)
    return (
        '<div class="paper">\n'
        f'  <p class="title">{escape_text(entry.title)}</p>\n'
        '  <p class="details">\n'
        f'    <span class="authors">{authors}</span>;\n'
        f'    <span class="info"><i>{escape_text(_booktitle(venue, year))}</i>, {pages}</span>\n'
        "  </p>\n"
        '  <p class="links">\n'
        f"    {links}</p>\n"
        "</div>\n"
    )


def _tracked(url: str, label: str, event: str, what: str, value: int) -> str:
    onclick = f"ga('send', 'event', {event}, '{what}', {value});"
    return (
        f'[<a href="{_jekyll_attr(url)}" target="_blank" onclick="{_jekyll_attr(onclick)}">'
        f"{escape_text(label)}</a>]"
    )


def _entry_2017(entry: PmlrEntry, abs_url: str, pdf: str | None, pages: str) -> str:
    authors = ",\n    ".join(escape_text(author) for author in entry.authors)
    pdf_link = f'[<a href="{_jekyll_attr(pdf)}">pdf</a>]' if pdf else ""
    return (
        '<div class="paper">\n'
        f'  <p class="title">{escape_text(entry.title)}</p>\n'
        '  <p class="details">\n'
        '  <span class="authors">\n'
        f"    {authors}\n"
        "  </span>;\n"
        f'  <span class="info">{pages}</span>\n'
        "  </p>\n"
        '    <p class="links">\n'
        f'      [<a href="{_jekyll_attr(abs_url)}">abs</a>]\n'
        f"      {pdf_link}\n"
        "    </p>\n"
        "</div>\n"
    )


def _booktitle(venue: str, year: int) -> str:
    return f"Proceedings of the {year} {CONFERENCES[venue]}"


def _page(venue: str, year: int, volume: int, sections: list[str], entries: str) -> str:
    contents = "".join(
        f'    <li><a href="#{_slug(section)}">{escape_text(section)}</a></li>\n'
        for section in sections
    )
    if contents:
        contents = f"  <p>Contents:</p>\n  <ul>\n{contents}  </ul>\n"
    return _PAGE.format(
        title=escape_text(_booktitle(venue, year)),
        volume=volume,
        conference=escape_text(CONFERENCES[venue]),
        year=year,
        contents=contents,
        entries=entries,
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _jekyll_attr(value: str) -> str:
    # Double-quoted attributes; the real onclick handlers keep their single quotes raw.
    return escape_text(value).replace('"', "&quot;")


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="X-UA-Compatible" content="IE=edge">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} | PMLR</title>
  <link rel="stylesheet" type="text/css" href="/v{volume}/assets/css/pmlr.css" />
</head>
<body>
<main class="page-content" aria-label="Content">
<div id="content">
<div class="wrapper">
<h2>Volume {volume}: {conference}, {year}</h2>
<p><strong>Editors: Ada Lovelace, Alan Turing</strong></p>
<p>[<a href="./assets/bib/bibliography.bib" target="_blank">bib</a>][<a href="./assets/bib/citeproc.yaml" target="_blank">citeproc</a>]</p>
<div id="sectionnav">
{contents}  <p>
  <label for="search-authors">Filter Authors:</label>
  <input type="search" name="filter-authors" id="search-authors" value />
  <label for="search-titles">Filter Titles:</label>
  <input type="search" name="filter-titles" id="search-titles" value />
  </p>
</div>

{entries}
<p class="rss-subscribe">subscribe <a href="/v{volume}/assets/rss/feed.xml">via RSS</a></p>
</div>
</div>
</main>
</body>
</html>
"""  # noqa: E501 - one line per line of the theme's layout
