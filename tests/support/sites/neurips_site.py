"""Write NeurIPS proceedings pages into a mirror folder, in either render of the real site.

No real copy of these pages is shipped or recorded in shared/. The structure follows the scrubbed
public recordings of the real 1987, 2013, 2022, 2024 and 2025 year pages, the 2021 Datasets and
Benchmarks page and a 2024 abstract page (tests/fixtures/neurips/README.md names them); titles,
authors, editors and abstracts are the project's own. Two renders:

- ``Layout.MODERN``, the site as it is now: ``header.book-header``, ``span.paper-count``, track
  filter buttons when a page has several tracks, ``<li class=TRACK data-track=TRACK>`` (class ``""``
  and ``data-track="none"`` up to 2021) around ``div.paper-content`` with the title link and
  ``span.paper-authors``, and a ``span.paper-track-badge`` on entries whose URL names a track;
- ``Layout.CLASSIC``, the earlier render: a ``<h4>`` heading, ``<ul class=" paper-list">`` and
  ``<li class="conference">`` (``"none"`` up to 2021) with the link and the authors in ``<i>``.
  The 2021 Datasets and Benchmarks host still serves this render, so its page always has it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from hashlib import md5
from pathlib import Path
from urllib.parse import urlsplit

from fwcensus.demo.sites.markup import escape_attr, escape_text
from fwcensus.mirror.urls import file_for_url, write_mirror_file
from fwcensus.sources.neurips import BASE_URL, DB_2021_URL, EXTRA_PAGES

DB_2021_HOST = "https://datasets-benchmarks-proceedings.neurips.cc"
VOLUME_2025 = EXTRA_PAGES[2025][0]
# The badge and filter label of each URL track token.
TRACK_LABELS = {
    "Conference": "Main Conference Track",
    "Datasets_and_Benchmarks": "Datasets and Benchmarks Track",
    "Datasets_and_Benchmarks_Track": "Datasets and Benchmarks Track",
    "Position_Paper_Track": "Position Paper Track",
    "Creative_AI_Track": "Creative AI",
    "round1": "round1",
    "round2": "round2",
}
SIDE_TRACK_TOKENS = {"position-paper": "Position_Paper_Track", "creative-ai": "Creative_AI_Track"}


class Layout(StrEnum):
    MODERN = "modern"
    CLASSIC = "classic"


@dataclass(frozen=True)
class NeuripsEntry:
    """One paper as a NeurIPS year page lists it."""

    title: str
    authors: tuple[str, ...]
    paper_hash: str  # 32 hex digits; the site's is md5 of the paper's number (``paper_hash``)
    track: str = "main"  # "main", "datasets-benchmarks", "position-paper", "creative-ai"
    round: int | None = None  # 2021 Datasets and Benchmarks only: review round 1 or 2


def paper_hash(number: int) -> str:
    """The hash the site puts in a paper's URLs: md5 of the paper's number, in hex."""
    return md5(str(number).encode()).hexdigest()


def url_token(year: int, entry: NeuripsEntry) -> str:
    """The track token of the entry's URLs in that year ("" when the URL names no track)."""
    if entry.track == "main":
        return "" if year <= 2021 else "Conference"
    if entry.track == "datasets-benchmarks":
        if year == 2021 and entry.round in (1, 2):
            return f"round{entry.round}"
        if year >= 2022:
            return "Datasets_and_Benchmarks" if year <= 2023 else "Datasets_and_Benchmarks_Track"
        raise ValueError(f"no Datasets and Benchmarks URL for {year} round {entry.round}")
    if entry.track in SIDE_TRACK_TOKENS and year >= 2025:
        return SIDE_TRACK_TOKENS[entry.track]
    raise ValueError(f"NeurIPS {year} has no {entry.track} track")


def abstract_url(year: int, entry: NeuripsEntry) -> str:
    return _paper_file(year, entry, "hash", "Abstract", "html")


def pdf_url(year: int, entry: NeuripsEntry) -> str:
    """The entry's PDF: in ``file/`` beside ``hash/``, named ``Paper`` for ``Abstract``."""
    return _paper_file(year, entry, "file", "Paper", "pdf")


def _paper_file(year: int, entry: NeuripsEntry, folder: str, kind: str, ext: str) -> str:
    token = url_token(year, entry)
    host = DB_2021_HOST if token.startswith("round") else BASE_URL
    suffix = f"-{token}" if token else ""
    return f"{host}/paper_files/paper/{year}/{folder}/{entry.paper_hash}-{kind}{suffix}.{ext}"


def listing_url(year: int, entry: NeuripsEntry) -> str:
    """The page that lists the entry: the year page, the 2021 D&B host or the 2025 volume."""
    if year == 2021 and entry.track == "datasets-benchmarks":
        return DB_2021_URL
    if year == 2025 and entry.track != "creative-ai":
        return VOLUME_2025
    return f"{BASE_URL}/paper_files/paper/{year}"


def write_neurips_year(
    root: Path, year: int, entries: Sequence[NeuripsEntry], layout: Layout = Layout.MODERN
) -> list[str]:
    """Write every listing page of one year and each entry's abstract page; return the PDF URLs.

    Every page the source asks for gets at least one entry, or ValueError: the real pages are
    never empty. Entries keep their order within each page.
    """
    year_url = f"{BASE_URL}/paper_files/paper/{year}"
    pages: dict[str, list[NeuripsEntry]] = {
        url: [] for url in (year_url, *EXTRA_PAGES.get(year, ()))
    }
    for entry in entries:
        pages[listing_url(year, entry)].append(entry)
    empty = [url for url, listed in pages.items() if not listed]
    if empty:
        raise ValueError(f"NeurIPS {year}: no entry for the listing pages {empty}")
    # The year page is also the folder of its abstract pages, so the mirror serves its index.html.
    file_for_url(root, year_url).mkdir(parents=True, exist_ok=True)
    for url, listed in pages.items():
        classic = layout is Layout.CLASSIC or url == DB_2021_URL
        render = _classic_page if classic else _modern_page
        write_mirror_file(root, url, render(year, url, listed).encode())
    for entry in entries:
        write_mirror_file(root, abstract_url(year, entry), _abstract_page(year, entry).encode())
    return [pdf_url(year, entry) for entry in entries]


def _href(year: int, entry: NeuripsEntry) -> str:
    """The entry's link as the listing writes it: the path alone, relative to the host."""
    return urlsplit(abstract_url(year, entry)).path


def _book_title(year: int, url: str) -> str:
    if url == DB_2021_URL:
        return (
            "Proceedings of the Neural Information Processing Systems Track on Datasets and"
            " Benchmarks 1 "
        )
    if year == 1987:
        return "Neural Information Processing Systems "
    volume = f"Advances in Neural Information Processing Systems {year - 1987}"
    if year == 2025:
        return f"{volume} {'Main Conference' if url == VOLUME_2025 else 'Creative AI'} "
    return f"{volume} "


def _meeting(year: int, url: str) -> str:
    if url == DB_2021_URL:
        return "NeurIPS Datasets and Benchmarks 2021"
    return f"{'NIPS' if year <= 2017 else 'NeurIPS'} {year}"


def _see_also(year: int, url: str) -> str:
    """2025's two pages name each other; no other year has a "See also"."""
    if year != 2025:
        return ""
    other = f"{BASE_URL}/paper_files/paper/2025" if url == VOLUME_2025 else VOLUME_2025
    return (
        '                    <p class="book-see-also">See also: '
        f'<a href="{other.removeprefix(BASE_URL)}">{_book_title(year, other)}</a></p>\n'
    )


def _tokens(year: int, entries: Sequence[NeuripsEntry]) -> list[str]:
    return list(dict.fromkeys(url_token(year, entry) for entry in entries))


def _modern_page(year: int, url: str, entries: Sequence[NeuripsEntry]) -> str:
    tokens = _tokens(year, entries)
    filters = ""
    if len(tokens) > 1:
        buttons = "".join(
            f'                    <button class="track-filter track-{n}" '
            f'data-track="{token.lower()}" data-track-class="track-{n}">'
            f'<span class="track-dot"></span>{TRACK_LABELS[token]}</button>\n'
            for n, token in enumerate(tokens, start=1)
        )
        filters = (
            '                <div class="track-filters">\n'
            '                    <button class="track-filter active" data-track="all">'
            "All</button>\n"
            f"{buttons}                </div>\n"
        )
    items = "".join(_modern_item(year, entry) for entry in entries)
    body = (
        '    <div class="container-fluid">\n'
        '        <div class="col book-page">\n'
        '            <header class="book-header">\n'
        f'                <h1 class="book-title">{_book_title(year, url)}</h1>\n'
        f'                <p class="book-meta">{_meeting(year, url)}</p>\n'
        '                    <p class="book-editors">Edited by A. Editor and B. Editor</p>\n'
        f"{_see_also(year, url)}"
        "            </header>\n\n"
        '            <div class="paper-list-header">\n'
        f'                <span class="paper-count">{len(entries)} papers</span>\n'
        f"{filters}"
        "            </div>\n\n"
        '            <ul class="paper-list">\n'
        f"{items}"
        "            </ul>\n"
        "        </div>\n"
        "    </div>\n"
    )
    return _page("Book", "NeurIPS Proceedings", body, modern=True)


def _modern_item(year: int, entry: NeuripsEntry) -> str:
    token = url_token(year, entry)
    track = token.lower() or "none"
    badge = (
        f'                        <span class="paper-track-badge">{TRACK_LABELS[token]}</span>\n'
        if token
        else ""
    )
    return (
        f'<li class="{token.lower()}" data-track="{track}">\n'
        '                        <div class="paper-content">\n'
        f'                            <a title="paper title" href="{_href(year, entry)}">'
        f"{escape_text(entry.title)}</a>\n"
        f'                            <span class="paper-authors">{_names(entry)}</span>\n'
        "                        </div>\n"
        f"{badge}"
        "                    </li>\n"
    )


def _classic_page(year: int, url: str, entries: Sequence[NeuripsEntry]) -> str:
    legend = "&nbsp;&nbsp;".join(
        f'<span class="suffix_legend"><i class="fas fa-circle"></i></span> {token.lower()}'
        for token in _tokens(year, entries)
        if token
    )
    items = "".join(
        f'<li class="{url_token(year, entry).lower() or "none"}">\n'
        f'                        <a title="paper title" href="{_href(year, entry)}">'
        f"{escape_text(entry.title)}</a> <i>{_names(entry)}</i></li>\n"
        for entry in entries
    )
    body = (
        '    <div class="container-fluid">\n'
        '        <div class="col p-5">\n'
        f"            <h4>{_book_title(year, url)} ({_meeting(year, url)})</h4>\n"
        '            <div style="width:100%">\n'
        "                    Edited by: <i>A. Editor and B. Editor</i>\n"
        "            </div>\n"
        '            <hr style="background-color:gray;">\n'
        f'            {legend}<hr style="background-color:gray;">\n'
        '            <ul class=" paper-list">\n'
        f"{items}"
        "            </ul>\n"
        "        </div>\n"
        "    </div>\n"
    )
    brand = "Datasets and Benchmarks Proceedings" if url == DB_2021_URL else "NeurIPS Proceedings"
    return _page("Book", brand, body, modern=False)


def _names(entry: NeuripsEntry) -> str:
    return escape_text(", ".join(entry.authors))


def _abstract_page(year: int, entry: NeuripsEntry) -> str:
    """The paper's page: citation meta tags, title, authors, the buttons, the abstract."""
    pdf = pdf_url(year, entry)
    token = url_token(year, entry)
    authors = "".join(
        f'    <meta name="citation_author" content="{escape_attr(name)}">\n'
        for name in entry.authors
    )
    meta = (
        f'    <meta name="citation_title" content="{escape_attr(entry.title)}">\n'
        f"{authors}"
        '    <meta name="citation_journal_title" '
        'content="Advances in Neural Information Processing Systems">\n'
        f'    <meta name="citation_volume" content="{year - 1987}">\n'
        f'    <meta name="citation_pdf_url" content="{pdf}">\n'
        f'    <meta name="citation_publication_date" content="{year}">\n'
    )
    track = (
        f'\n                <span class="paper-track">{TRACK_LABELS[token]}</span>' if token else ""
    )
    listing = listing_url(year, entry)
    body = (
        '<div class="container-fluid">\n'
        '    <div class="col p-3 paper-detail">\n'
        '        <header class="paper-header">\n'
        f'            <h1 class="paper-title">{escape_text(entry.title)}</h1>\n'
        f'            <p class="paper-authors">{_names(entry)}</p>\n'
        '            <p class="paper-meta">\n'
        f'                <a href="{urlsplit(listing).path}">{_book_title(year, listing)} '
        f"({_meeting(year, listing)})</a>{track}\n"
        "            </p>\n"
        "        </header>\n\n"
        # The real buttons quote their hrefs with single quotes.
        '        <div class="paper-actions"><a href="/paper_files/paper/0-/bibtex" '
        "class=\"btn btn-light btn-spacer\">Bibtex</a> <a class='btn btn-primary btn-spacer' "
        f"href='{urlsplit(pdf).path}'>Paper</a></div>\n\n"
        '        <section class="paper-section">\n'
        '            <h2 class="section-label">Abstract</h2>\n'
        '            <p class="paper-abstract">A stand-in abstract written for the mirror.</p>\n'
        "        </section>\n"
        "    </div>\n"
        "</div>\n"
    )
    return _page(escape_text(entry.title), "NeurIPS Proceedings", body, modern=True, meta=meta)


def _page(title: str, brand: str, body: str, *, modern: bool, meta: str = "") -> str:
    body_class = ' class="modern-theme"' if modern else ""
    theme = (
        '    <link rel="stylesheet" href="/static/papers/css/modern-theme.css?v=12">\n'
        if modern
        else ""
    )
    return (
        "\n\n\n\n<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n\n"
        "    <!-- Required meta tags -->\n"
        '    <meta charset="utf-8">\n'
        '    <meta name="viewport" content="width=device-width, initial-scale=1, '
        'shrink-to-fit=no">\n'
        f"    <title>{title}</title>\n"
        '    <link href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/css/bootstrap.min.css" '
        'rel="stylesheet">\n'
        '    <link rel="stylesheet" href="/static/papers/css/papers.css">\n'
        f"{theme}\n"
        f"{meta}"
        "</head>\n\n\n"
        f"<body{body_class}>\n\n\n"
        '<nav class="navbar navbar-expand-md bg-body-tertiary">\n'
        '    <div class="container-fluid">\n'
        f'        <a class="navbar-brand" href="/">{brand}</a>\n'
        '        <div class="collapse navbar-collapse" id="navbarSupportedContent">\n'
        '            <ul class="navbar-nav me-auto mb-2 mb-lg-0">\n'
        '                            <li class="nav-item">\n'
        '                <a class="nav-link" href="/admin/login/?next=/admin/">'
        '<i class="fas fa-sign-in-alt" title="Login"></i></a>\n'
        "            </li>\n"
        "            </ul>\n"
        '            <form class="d-flex" role="search" method="get" action="/papers/search">\n'
        '                <input class="form-control me-2" type="search" placeholder="Search" '
        'aria-label="Search" name="q">\n'
        '                <button class="btn btn-outline-success" type="submit">Search</button>\n'
        "            </form>\n"
        "        </div>\n"
        "    </div>\n"
        "</nav>\n\n\n\n\n"
        f"{body}"
        '\n<footer class="footer">\n'
        '    <div class="btn-spacer">\n'
        '        <a href="https://neurips.cc/Help/Contact?select=Conference">Report an Issue</a>\n'
        "    </div>\n"
        "</footer>\n"
        "</body>\n"
        "</html>"
    )
