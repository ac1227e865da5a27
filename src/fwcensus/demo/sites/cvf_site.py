"""Write CVF Open Access listing pages into a mirror folder, in the markup of each era.

The project cannot ship the real pages, so it writes its own content into the real structure.
2021+ follows the recorded CVPR 2024 page (shared/fixtures-real/cvf/CVPR2024_day-all.first6.html)
character for character; 2020 and earlier follow the CVPR 2020 markup quoted in that folder's
PROVENANCE.md: relative hrefs, ``name="query"`` author inputs whose values after the first carry
a leading space, and BibTeX whose lines end in ``<br>``. Parts the records do not show (the head
of a pre-2021 page, the landing pages) reuse the 2024 head with the venue and year substituted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fwcensus.demo.sites.markup import bibtex_name, escape_attr, escape_text
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.sources.cvf_years import BASE_URL, CONFERENCE_DAYS, listing_urls

# Slugs keep this many title words: 3 up to 2018, 10 from 2019 (counted on the real listings).
SHORT_SLUG_WORDS = 3
LONG_SLUG_WORDS = 10
# The supplemental file name keeps the first author and the first three title words.
SUPP_SLUG_WORDS = 3
PAGES_PER_PAPER = 10
# The recorded 2024 page has trailing blanks after some closing tags; kept for fidelity.
TRAILING_BLANKS = " " * 8


@dataclass(frozen=True)
class CvfEntry:
    """One paper as a CVF listing shows it. ``arxiv_id`` is only rendered on 2021+ pages."""

    title: str
    authors: tuple[str, ...]
    slug: str  # file stem of the paper's html and pdf, e.g. "Li_Finding_..._CVPR_2019_paper"
    arxiv_id: str | None = None
    has_supp: bool = False


def make_slug(venue: str, year: int, first_author_last_name: str, title: str) -> str:
    """The file stem CVF gives a paper: last name, leading title words, venue-year suffix.

    Punctuation inside a word is dropped ("MS/HS" -> "MSHS"); a word of punctuation only
    ("&") leaves an empty word, hence the real site's double underscores ("Texture__Shape").
    """
    limit = LONG_SLUG_WORDS if year >= 2019 else SHORT_SLUG_WORDS
    words = [_slug_word(word) for word in title.split()[:limit]]
    last = "_".join(_slug_word(part) for part in first_author_last_name.split())
    return "_".join([last, *words, _slug_tag(venue, year), "paper"])


def _slug_word(word: str) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]", "", _ascii_fold(word))


def _ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _slug_tag(venue: str, year: int) -> str:
    # CVF named 2013-2015 files "..._2015_CVPR_paper" and later ones "..._CVPR_2016_paper".
    return f"{year}_{venue}" if year <= 2015 else f"{venue}_{year}"


def _content_dir(venue: str, year: int) -> str:
    """The folder of paper files: relative before 2021, absolute from 2021."""
    if year >= 2021:
        return f"/content/{venue}{year}"
    # The site's folder casing changed with ICCV 2017 and, for CVPR, with 2019; ECCV 2018 is
    # upper case too (the 2019 study's links: content_ECCV_2018/papers/...).
    upper = year >= 2019 or (venue, year) in (("ICCV", 2017), ("ECCV", 2018))
    return f"content_{venue}_{year}" if upper else f"content_{venue.lower()}_{year}"


def _pdf_url(venue: str, year: int, slug: str) -> str:
    return f"{BASE_URL}/{_content_dir(venue, year).lstrip('/')}/papers/{slug}.pdf"


def _supp_stem(venue: str, year: int, slug: str) -> str:
    tag = _slug_tag(venue, year)
    suffix = f"_{tag}_paper"
    if not slug.endswith(suffix):
        raise ValueError(f"slug {slug!r} is not a {venue} {year} paper (expected ...{suffix})")
    head = slug.removesuffix(suffix).split("_")[: 1 + SUPP_SLUG_WORDS]
    return "_".join([*head, tag, "supplemental"])


def write_cvf_year(root: Path, venue: str, year: int, entries: Sequence[CvfEntry]) -> list[str]:
    """Write every listing page of one venue-year under ``root``; return each entry's PDF URL.

    Day-page years get the entries split evenly over their days in order. Years with day pages
    or ``?day=all`` also get the landing page ``/{VENUE}{YEAR}`` linking to them; earlier years
    have one listing page, which is the landing page itself.
    """
    urls = listing_urls(venue, year)
    offset = 0
    for url, chunk in zip(urls, _split_evenly(entries, len(urls)), strict=True):
        write_mirror_file(root, url, _listing_page(venue, year, chunk, first_index=offset))
        offset += len(chunk)
    landing = f"{BASE_URL}/{venue}{year}"
    if urls != [landing]:
        write_mirror_file(root, landing, _landing_page(venue, year))
    return [_pdf_url(venue, year, entry.slug) for entry in entries]


def _split_evenly(entries: Sequence[CvfEntry], parts: int) -> list[Sequence[CvfEntry]]:
    """Consecutive chunks whose sizes differ by at most one, larger chunks first."""
    size, extra = divmod(len(entries), parts)
    chunks: list[Sequence[CvfEntry]] = []
    start = 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        chunks.append(entries[start:end])
        start = end
    return chunks


def _listing_page(venue: str, year: int, entries: Sequence[CvfEntry], first_index: int) -> str:
    render = _entry_2021 if year >= 2021 else _entry_2020
    body = "".join(
        render(venue, year, entry, first_index + number) for number, entry in enumerate(entries)
    )
    back = (
        f'        <dd>\n        <a href="/{venue}{year}">Back</a>\n        </dd>{TRAILING_BLANKS}\n'
    )
    return _page(venue, year, back + body)


def _landing_page(venue: str, year: int) -> str:
    if year >= 2021:
        links = [(f"/{venue}{year}?day=all", "All Papers")]
    else:
        days = CONFERENCE_DAYS[(venue, year)]
        links = [
            (f"{venue}{year}?day={day}", f"Day {n}: {day}") for n, day in enumerate(days, start=1)
        ]
    return _page(venue, year, "".join(f'<dd><a href="{h}">{t}</a></dd>\n' for h, t in links))


def _form_id(author: str, title: str) -> str:
    # As on the real pages: first two name tokens and first three title words, letters only.
    tokens = author.split()[:2] + title.split()[:3]
    return "form-" + "".join(ch for ch in "".join(tokens) if ch.isalnum())


def _bibtex_fields(venue: str, year: int, entry: CvfEntry) -> tuple[str, list[tuple[str, str]]]:
    key = f"{entry.slug.split('_')[0]}_{year}_{venue}"
    authors = " and ".join(bibtex_name(author) for author in entry.authors)
    fields = [
        ("author", authors),
        ("title", entry.title),
        ("booktitle", _booktitle(venue, year)),
        ("month", _month(venue, year)),
        ("year", str(year)),
    ]
    return key, fields


def _booktitle(venue: str, year: int) -> str:
    if venue == "ECCV":  # not an IEEE conference: CVF only hosted its 2018 papers
        return "The European Conference on Computer Vision (ECCV)"
    name = {
        "CVPR": "Conference on Computer Vision and Pattern Recognition (CVPR)",
        "ICCV": "International Conference on Computer Vision (ICCV)",
        "WACV": "Winter Conference on Applications of Computer Vision (WACV)",
    }[venue]
    if year >= 2021:
        return f"Proceedings of the IEEE/CVF {name}"
    return f"IEEE/CVF {name}" if year == 2020 else f"The IEEE {name}"


# The month each WACV was held in (it moved between January and March).
WACV_MONTHS = {2020: "March", 2025: "February", 2026: "March"}


def _month(venue: str, year: int) -> str:
    if venue == "CVPR":
        return "June"
    if venue == "ECCV":
        return "September"
    if venue == "WACV":
        return WACV_MONTHS.get(year, "January")
    return "December" if year in (2013, 2015) else "October"


def _file_links(venue: str, year: int, entry: CvfEntry) -> list[str]:
    base = _content_dir(venue, year)
    links = [f'[<a href="{base}/papers/{entry.slug}.pdf">pdf</a>]\n']
    if entry.has_supp:
        supp = _supp_stem(venue, year, entry.slug)
        links.append(f'[<a href="{base}/supplemental/{supp}.pdf">supp</a>]\n')
    return links


def _entry_2021(venue: str, year: int, entry: CvfEntry, index: int) -> str:
    base = _content_dir(venue, year)
    forms = []
    for number, author in enumerate(entry.authors):
        form_id = _form_id(author, entry.title)
        comma = "," if number < len(entry.authors) - 1 else ""
        forms.append(
            f'<form id="{form_id}" action="/{venue}{year}" method="post" class="authsearch">\n'
            f'<input type="hidden" name="query_author" value="{escape_attr(author)}">\n'
            f'<a href="#" onclick="document.getElementById(\'{form_id}\').submit();">'
            f"{escape_text(author)}</a>{comma}\n"
            "</form>\n"
        )
    links = _file_links(venue, year, entry)
    if entry.arxiv_id:
        links.append(f'[<a href="http://arxiv.org/abs/{escape_attr(entry.arxiv_id)}">arXiv</a>]\n')
    key, fields = _bibtex_fields(venue, year, entry)
    first_page = 1 + index * PAGES_PER_PAPER
    fields.append(("pages", f"{first_page}-{first_page + PAGES_PER_PAPER - 1}"))
    bib_lines = [f"    {name:<9} = {{{escape_text(value)}}}" for name, value in fields]
    bibtex = f"@InProceedings{{{key},\n" + ",\n".join(bib_lines) + "\n}"
    return (
        f'<dt class="ptitle"><br><a href="{base}/html/{entry.slug}.html">'
        f"{escape_text(entry.title)}</a></dt>\n"
        "<dd>\n" + "".join(forms) + "</dd>\n"
        "<dd>\n" + "".join(links) + '<div class="link2">[<a class="fakelink" '
        "onclick=\"$(this).siblings('.bibref').slideToggle()\">bibtex</a>]\n"
        f'<div class="bibref pre-white-space">{bibtex}</div>\n'
        f"</div>{TRAILING_BLANKS}\n"
        "</dd>\n"
    )


def _entry_2020(venue: str, year: int, entry: CvfEntry, index: int) -> str:
    base = _content_dir(venue, year)
    forms = []
    for number, author in enumerate(entry.authors):
        # The old site split the author string on "," and kept the blank after each comma.
        shown = author if number == 0 else f" {author}"
        form_id = _form_id(author, entry.title)
        comma = "," if number < len(entry.authors) - 1 else ""
        forms.append(
            f'<form id="{form_id}" action="./{venue}{year}_search.py" method="post" '
            f'class="authsearch"><input type="hidden" name="query" value="{escape_attr(shown)}">'
            f'<a href="#" onclick="document.getElementById(\'{form_id}\').submit();">'
            f"{escape_text(shown)}</a>{comma}</form>\n"
        )
    links = _file_links(venue, year, entry)
    key, fields = _bibtex_fields(venue, year, entry)
    bibtex = f"@InProceedings{{{key},<br>" + ",<br>".join(
        f"{name} = {{{escape_text(value)}}}" for name, value in fields
    )
    return (
        f'<dt class="ptitle"><br><a href="{base}/html/{entry.slug}.html">'
        f"{escape_text(entry.title)}</a></dt>\n"
        "<dd>\n" + "".join(forms) + "</dd>\n"
        "<dd>\n" + "".join(links) + '<div class="link2">[<a class="fakelink" '
        "onclick=\"$(this).siblings('.bibref').slideToggle()\">bibtex</a>]"
        f'<div class="bibref">{bibtex}<br>}}</div></div>\n'
        "</dd>\n"
    )


def _page(venue: str, year: int, content: str) -> str:
    conf = f"{venue} {year}"
    # ECCV's own site was not on thecvf.com.
    domain = "org" if venue == "ECCV" else "thecvf.com"
    site = f"https://{venue.lower()}{year}.{domain}/"
    search = f"/{venue}{year}" if year >= 2021 else f"./{venue}{year}_search.py"
    return (
        _HEAD.format(
            conf=conf,
            site=site,
            logo=f"/img/{venue.lower()}{year}_logo.svg",
            search=search,
            trail=" ",  # the recorded line ends in a blank, which an editor would strip
        )
        + content
        + "</dl>\n</div>\n</body>\n</html>\n"
    )


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
    <meta content="text/html; charset=UTF-8" http-equiv="content-type">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="icon" type="image/png" href="/favicon.ico">
    <title>{conf} Open Access Repository</title>
    <link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/3.3.7/css/bootstrap.min.css">
    <script type="text/javascript" src="https://ajax.googleapis.com/ajax/libs/jquery/3.1.1/jquery.min.js"></script>
    <script type="text/javascript" src="https://maxcdn.bootstrapcdn.com/bootstrap/3.3.7/js/bootstrap.min.js"></script>
    <script type="text/javascript" src="/static/jquery.js"></script>
    <link rel="stylesheet" type="text/css" href="/static/conf.css">
</head>
<body>
<div id="header">
    <div id="header_left">
        <a href="{site}"><img src="{logo}" width="175" border="0" alt="{conf}"></a>
        <a href="https://www.thecvf.com/"><img src="/img/cropped-cvf-s.jpg" width="175" height="112" border="0" alt="CVF"></a>
    </div>
    <div id="header_right">
        <div id="header_title">
            <a href="{site}">{conf}</a> <a href="/menu" class="a_monochrome">open access</a>
        </div>
        <div id="help">
            These {conf} papers are the Open Access versions, provided by the
<a href="https://www.thecvf.com/">Computer Vision Foundation.</a><br>
Except for the watermark, they are identical to the accepted versions;
the final published version of the proceedings is available on IEEE Xplore.
        </div>
        <div id="disclaimer">
            This material is presented to ensure timely dissemination of scholarly and technical work.
Copyright and all rights therein are retained by authors or by other copyright holders.
All persons copying this information are expected to adhere to the terms and constraints invoked{trail}
by each author's copyright.<br><br>
            <form action="{search}" method="post">
                <input type="text" name="query">
                <input type="submit" value="Search">
            </form>

        </div>
    </div>
    <div id="header_sponsor">
        <p style="vertical-align:center; text-align: center"> <strong>Powered by:</strong></p>
        <img src="/img/ms-azure-logo.png" width="100" alt="Microsoft Azure">
        <p> </p>
        <p> </p>
        <p style="vertical-align:center; text-align: center"> <strong>Sponsored by:</strong></p>
        <img src="/img/amazon-logo.png" width="100" alt="Amazon">
        <img src="/img/facebook_logo.jpg" width="100" alt="Facebook">
        <img src="/img/Google_2015_logo.svg" width="100" alt="Google">
    </div>
</div>
<div class="clear"></div>
<div id="content">
    <h3>Papers</h3>
    <dl>
"""  # noqa: E501 - the head is the recorded page's, line for line
