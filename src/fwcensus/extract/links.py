"""URLs of a paper: printed in its text and behind its link annotations, with page and section.

A code link ("https://github.com/owner/repo") is often the strongest hint of what a paper
used, and papers hide many behind a word ("Code") whose text says nothing, so both are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from fwcensus.catalogue.code_hosts import CODE_HOSTS, CODE_HOSTS_PATTERN
from fwcensus.extract.sections import section_at
from fwcensus.extract.url_openings import url_openings
from fwcensus.models import Section, TextLink

# Scheme-less code-host links are as common as full ones in papers ("github.com/x/y"). A URL
# ends where another one starts (unless it is a query's value, "?u=https://..."): footnotes
# printed on one line run into each other ("http://www.libfm.org/7https://github.com/o/r", 7
# being the next footnote's mark).
_URL_START = rf"(?:https?://|www\.|(?:{CODE_HOSTS_PATTERN})/)"
_URL = re.compile(
    rf"(?<![^\W\d_]){_URL_START}(?:(?!(?<!=)\d{{0,2}}https?://)[^\s<>\"'{{}}|\\^`\[\]])+",
    re.I,
)
# A footnote mark printed right after a URL ("github.com/o/r1"), told apart by the link
# annotation behind it, which has no such digits.
_TRAILING_MARK = re.compile(r"\d{1,2}$")
# Cheap tests that let a page without any URL skip the scan.
_URL_HINTS = ("http", "www.", "HTTP", "WWW.", *(h.split(".")[0] for h in CODE_HOSTS))
# Punctuation that ends the sentence around a URL rather than the URL itself.
_TRAILING = ".,;:!?'\""
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?([^/:?#]+)", re.I)


def text_urls(page: str) -> Iterator[tuple[str, int, int]]:
    """``(url, start, end)`` of every URL printed on a page."""
    if not any(hint in page for hint in _URL_HINTS):
        return
    openings = url_openings(page)
    if not openings:
        if openings is not None:
            return
        openings = [0]
    for match in _URL.finditer(page, openings[0]):  # none can start before the first
        if match.start() and page[match.start() - 1] in "./@":
            continue  # "user@github.com/...", "docs.github.com/": inside a longer URL or name
        url = match.group(0).rstrip(_TRAILING)
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]  # "(see https://x.org/a)" closes the parenthesis, not the URL
        if len(url) > len("https://") and "." in url:
            yield url, match.start(), match.start() + len(url)


def code_host(url: str) -> str | None:
    match = _HOST.match(url)
    host = match.group(1).casefold() if match else ""
    return next((h for h in CODE_HOSTS if host == h or host.endswith("." + h)), None)


def find_links(
    pages: Sequence[str], sections: Sequence[Section], annotations: Sequence[Sequence[str]]
) -> tuple[TextLink, ...]:
    """Every printed URL, and every annotation URL, once per page; an annotation whose URL is
    printed on its page marks that printed URL ``both``."""
    links: list[TextLink] = []
    for number, text in enumerate(pages, 1):
        targets = annotations[number - 1] if number - 1 < len(annotations) else ()
        wanted = {_key(url): url for url in targets}
        seen: set[str] = set()
        for url, start, end in text_urls(text):
            section = section_at(sections, number, start)
            key = _key(url)
            mark = _TRAILING_MARK.search(url)
            if key not in wanted and mark and _key(url[: mark.start()]) in wanted:
                url, end = url[: mark.start()], end - len(mark.group(0))
                key = _key(url)
            links.append(
                TextLink(
                    url=url,
                    page=number,
                    source="both" if key in wanted else "text",
                    section=section.kind if section else None,
                    start=start,
                    end=end,
                    code_host=code_host(url),
                )
            )
            seen.add(key)
        for key, url in wanted.items():
            if key not in seen and not url.startswith("#"):
                links.append(TextLink(url, number, "annotation", code_host=code_host(url)))
    return tuple(links)


def completing_annotation(link: TextLink, links: Sequence[TextLink]) -> TextLink | None:
    """The one annotation-only link on the printed ``link``'s page whose URL the printed one is
    the start of: the line broke the printed URL where nothing marks the break
    ("...language_model" / "ing_is_compression"), and the annotation holds the whole URL."""
    key = _key(link.url)
    if link.source != "text" or "/" not in key:
        return None
    longer = [
        other
        for other in links
        if other.source == "annotation"
        and other.page == link.page
        and _key(other.url).startswith(key)
        and len(_key(other.url)) > len(key)
    ]
    return longer[0] if len(longer) == 1 else None


def _key(url: str) -> str:
    """Printed and annotated forms of one URL compare equal: no scheme, www or final slash."""
    bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.strip(), flags=re.I)
    return bare.rstrip("/").casefold()
