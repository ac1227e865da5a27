"""arXiv: the papers of chosen categories by year of first submission, and id lookups.

Two real protocols, one parser (it tells them apart by the root element):

- OAI-PMH ``ListRecords`` at https://oaipmh.arxiv.org/oai (the server rewritten in 2025; the old
  http://export.arxiv.org/oai2 redirects there) is the bulk route ``collect`` walks. One query
  per category set (``cs:cs:LG`` …), paged by ``resumptionToken``.
- The export API (Atom, https://export.arxiv.org/api/query) answers id lookups for cross-source
  linking: ``lookup_urls`` builds the requests, ``parse_feed`` reads the answers.

Choices the protocols force:

- OAI-PMH selects by ``datestamp``, the record's last modification, never by submission date
  (arXiv's OAI help says so). A year's papers are therefore harvested with ``from=YEAR-01-01``
  and no ``until`` (a paper is modified on or after its first submission, so none is missed),
  and kept when their first version falls in the year. An ``until`` would lose every paper
  revised after the year ended, which is most accepted papers. The price: a year's harvest
  reads every record of the sets modified since its January (for 2012 nearly all of them, a
  few hundred pages at arXiv's one request per 3 s), and keeps the year's share.
- The ``arXivRaw`` format is requested because its ``<version version="v1">`` date is the first
  submission; the new server fills the ``arXiv`` format's ``<created>`` from the current
  version (arXiv/oaipmh templates and tests). Pages in the ``arXiv`` format, as the old server
  sent them, are read too, with ``<created>`` as the first submission.
- A set holds every paper cross-listed to its category, so a paper whose primary category lies
  elsewhere (``eess.IV`` cross-listed to ``cs.CV``) is kept, with its primary category as track:
  the five ML categories are tracks of their own and cross-listed papers are counted apart.
- A paper whose current version is withdrawn (arXivRaw source type ``I``) has no PDF to read:
  it is kept with ``pdf_url=None``.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlsplit

from fwcensus.catalogue.code_hosts import CODE_HOSTS_PATTERN
from fwcensus.hosts import Host
from fwcensus.models import Paper
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest, decode_text

VENUE = "arXiv"
YEARS: tuple[int, ...] = tuple(range(2012, 2026))
CATEGORIES: tuple[str, ...] = ("cs.LG", "cs.CV", "cs.CL", "cs.AI", "stat.ML")
OAI_BASE = "https://oaipmh.arxiv.org/oai"
EXPORT_API = "https://export.arxiv.org/api/query"
ABS_URL = "https://arxiv.org/abs/"
PDF_URL = "https://arxiv.org/pdf/"  # unversioned: the latest version
# arXiv's API terms: "no more than 1 request every 3 seconds" for the export API and OAI-PMH;
# its pages and PDFs get the same budget.
ARXIV_RATE = 1 / 3
HOSTS = (
    Host(urlsplit(OAI_BASE).netloc, api=(OAI_BASE,), rate=ARXIV_RATE),
    Host(urlsplit(EXPORT_API).netloc, api=("https://export.arxiv.org/api/",), rate=ARXIV_RATE),
    Host(urlsplit(PDF_URL).netloc, rate=ARXIV_RATE),
)
METADATA_PREFIX = "arXivRaw"
# Ids per export-API lookup: keeps the URL short; the API pages at up to 2000 per call.
LOOKUP_BATCH = 100
# The physics group's archives: their sets are physics:ARCHIVE[:SUB], other groups' A:A:SUB.
PHYSICS_ARCHIVES = frozenset(
    {
        "astro-ph",
        "cond-mat",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math-ph",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "physics",
        "quant-ph",
    }
)

OAI = "http://www.openarchives.org/OAI/2.0/"
ATOM = "http://www.w3.org/2005/Atom"
NS = {
    "oai": OAI,
    "raw": "http://arxiv.org/OAI/arXivRaw/",
    "arx": "http://arxiv.org/OAI/arXiv/",
    "atom": ATOM,
    "os": "http://a9.com/-/spec/opensearch/1.1/",
    "ax": "http://arxiv.org/schemas/atom",
}
ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")
ABS_ID = re.compile(r"arxiv\.org/abs/(.+?)(?:v\d+)?$")
WITHDRAWN = "I"  # arXivRaw source type of a withdrawn version
CODE_URL = re.compile(
    rf"(?<![\w.@/-])(?:https?://)?(?:www\.)?({CODE_HOSTS_PATTERN})(/[^\s,;()<>\[\]{{}}\"'`]+)", re.I
)
NAME_SUFFIXES = frozenset({"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"})
NAME_PARTS = ("forenames", "keyname", "suffix")  # of an <author> in the arXiv format


class ArxivSource:
    name = "arxiv"
    hosts = HOSTS
    # A year of the five categories is ~100,000 papers: collected only when named.
    in_all = False

    def __init__(self, categories: Sequence[str] = CATEGORIES) -> None:
        self.categories = tuple(categories)

    def venue_years(self) -> dict[str, tuple[int, ...]]:
        return {VENUE: YEARS}

    def start_requests(self, venue: str, year: int) -> list[ListingRequest]:
        if venue != VENUE or year not in YEARS:
            raise ValueError(f"the arXiv source has no {venue} {year}")
        return [
            ListingRequest(oai_list_url(oai_set(cat), year), venue, year, chain=oai_set(cat))
            for cat in self.categories
        ]

    def official_url(self, venue: str, year: int) -> str:
        # arXiv's year listing of a category takes a two-digit year (/list/cs.LG/19).
        return f"https://arxiv.org/list/{self.categories[0]}/{year % 100:02d}"

    def parse(self, request: ListingRequest, body: bytes, final_url: str) -> ListingPage:
        """An OAI-PMH page: its papers of ``request.year``; an Atom feed: all its entries."""
        root = _xml_root(body, final_url)
        if root.tag == f"{{{ATOM}}}feed":
            return _feed_page(root, final_url)
        if root.tag != f"{{{OAI}}}OAI-PMH":
            raise ListingError(final_url, f"root <{_local(root.tag)}> is not <OAI-PMH> or <feed>")
        error = root.find("oai:error", NS)
        if error is not None:
            return _oai_error(request, error, final_url)
        listing = root.find("oai:ListRecords", NS)
        if listing is None:
            raise ListingError(final_url, "no <ListRecords> and no <error> in the OAI-PMH answer")
        return self._records_page(request, listing, final_url)

    def _records_page(self, request: ListingRequest, listing: ET.Element, url: str) -> ListingPage:
        elements = listing.findall("oai:record", NS)
        if not elements:
            raise ListingError(url, "<ListRecords> holds no <record>")
        ids: list[str] = []
        papers: list[Paper] = []
        wanted = set(self.categories)
        for element in elements:
            identifier, record = _oai_record(element, url)
            ids.append(identifier)
            if record and record.submitted.year == request.year and wanted & set(record.categories):
                papers.append(_paper(record))
        token = listing.find("oai:resumptionToken", NS)
        return ListingPage(
            papers=tuple(papers),
            follow=_next_page(request, token, url),
            record_ids=tuple(ids),
            total=_complete_list_size(token, url),
        )


def oai_set(category: str) -> str:
    """The OAI-PMH set of a category: ``cs.LG`` is ``cs:cs:LG``, ``hep-th`` ``physics:hep-th``."""
    archive, _, sub = category.partition(".")
    if archive in PHYSICS_ARCHIVES:
        return ":".join(filter(None, ("physics", archive, sub)))
    return f"{archive}:{archive}:{sub}" if sub else archive


def oai_list_url(set_spec: str, year: int) -> str:
    """First page of a year's harvest of one set: every record modified since January 1."""
    return (
        f"{OAI_BASE}?verb=ListRecords&metadataPrefix={METADATA_PREFIX}"
        f"&set={set_spec}&from={year:04d}-01-01"
    )


def resume_url(base: str, token: str) -> str:
    """The request for the page after a resumptionToken, on the server that issued it."""
    return f"{base}?verb=ListRecords&resumptionToken={quote(token, safe='')}"


def lookup_urls(ids: Iterable[str], batch_size: int = LOOKUP_BATCH) -> list[str]:
    """Export-API requests that look the given arXiv ids up, ``batch_size`` ids per request."""
    unique = list(dict.fromkeys(ids))
    bad = [arxiv_id for arxiv_id in unique if not ARXIV_ID.fullmatch(arxiv_id)]
    if bad:
        raise ValueError(f"not arXiv ids: {', '.join(bad[:5])}")
    return [_lookup_url(unique[i : i + batch_size]) for i in range(0, len(unique), batch_size)]


def _lookup_url(ids: Sequence[str]) -> str:
    # The API returns 10 entries unless told otherwise, so max_results is the batch size.
    listed = ",".join(quote(arxiv_id, safe="") for arxiv_id in ids)
    return f"{EXPORT_API}?id_list={listed}&start=0&max_results={len(ids)}"


def parse_feed(body: bytes, url: str) -> ListingPage:
    """Every entry of an export-API answer (id lookup or search page) as a Paper."""
    root = _xml_root(body, url)
    if root.tag != f"{{{ATOM}}}feed":
        raise ListingError(url, f"root <{_local(root.tag)}> is not an Atom <feed>")
    return _feed_page(root, url)


def code_urls(*texts: str | None) -> tuple[str, ...]:
    """Repository links (GitHub, GitLab, Bitbucket, Codeberg) named in free text, in order."""
    found: list[str] = []
    for text in texts:
        for match in CODE_URL.finditer(text or ""):
            path = match.group(2).rstrip(".:!?")
            if path.strip("/"):
                found.append(f"https://{match.group(1).lower()}{path}")
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class _Record:
    """One paper as either protocol describes it, before it becomes a Paper."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]  # primary first
    submitted: date  # first version
    comments: str | None
    abstract: str | None
    doi: str | None
    has_pdf: bool


def _paper(record: _Record) -> Paper:
    return Paper(
        source="arxiv",
        source_id=record.arxiv_id,
        venue=VENUE,
        year=record.submitted.year,
        title=record.title,
        authors=record.authors,
        pdf_url=f"{PDF_URL}{record.arxiv_id}" if record.has_pdf else None,
        page_url=f"{ABS_URL}{record.arxiv_id}",
        arxiv_id=record.arxiv_id,
        # A record may hold several DOIs, space-separated; the Paper keeps the first.
        doi=record.doi.split()[0] if record.doi else None,
        track=record.categories[0],
        code_urls=code_urls(record.comments, record.abstract),
    )


# --- OAI-PMH ---------------------------------------------------------------------------------


def _oai_error(request: ListingRequest, error: ET.Element, url: str) -> ListingPage:
    code = error.get("code", "")
    text = _clean(error.text)
    if code == "noRecordsMatch" and not request.meta.get("tokens"):
        return ListingPage(papers=(), total=0)  # nothing in the set was modified since `from`
    if code == "noRecordsMatch":
        raise ListingError(url, "noRecordsMatch answered a resumptionToken: the list ended early")
    if code == "badResumptionToken":
        raise ListingError(url, "badResumptionToken (tokens expire daily): restart the harvest")
    raise ListingError(url, f"OAI-PMH error {code or '(no code)'}: {text}")


def _oai_record(element: ET.Element, url: str) -> tuple[str, _Record | None]:
    """The record's OAI identifier, and its paper unless the record is deleted."""
    header = element.find("oai:header", NS)
    identifier = _clean(header.findtext("oai:identifier", None, NS)) if header is not None else ""
    if header is None or not identifier:
        raise ListingError(url, "a <record> has no <header><identifier>")
    if header.get("status") == "deleted":
        return identifier, None
    raw = element.find("oai:metadata/raw:arXivRaw", NS)
    if raw is not None:
        return identifier, _raw_record(raw, identifier, url)
    old = element.find("oai:metadata/arx:arXiv", NS)
    if old is not None:
        return identifier, _arxiv_format_record(old, identifier, url)
    raise ListingError(url, f"record {identifier} has no <arXivRaw> or <arXiv> metadata")


def _raw_record(raw: ET.Element, identifier: str, url: str) -> _Record:
    arxiv_id = _required(raw, "raw:id", identifier, url)
    first = raw.find("raw:version[@version='v1']", NS)
    if first is None:
        raise ListingError(url, f'record {arxiv_id} has no <version version="v1">')
    # The server lists versions oldest first; the last one is what arxiv.org/pdf/ID serves.
    current = raw.findall("raw:version", NS)[-1]
    return _Record(
        arxiv_id=arxiv_id,
        title=_detex(_required(raw, "raw:title", arxiv_id, url)),
        authors=_split_authors(_clean(raw.findtext("raw:authors", "", NS))),
        categories=tuple(_required(raw, "raw:categories", arxiv_id, url).split()),
        submitted=_rfc822_date(_required(first, "raw:date", arxiv_id, url), arxiv_id, url),
        comments=_optional(raw, "raw:comments"),
        abstract=_optional(raw, "raw:abstract"),
        doi=_optional(raw, "raw:doi"),
        has_pdf=WITHDRAWN not in current.findtext("raw:source_type", "", NS),
    )


def _arxiv_format_record(old: ET.Element, identifier: str, url: str) -> _Record:
    arxiv_id = _required(old, "arx:id", identifier, url)
    created = _required(old, "arx:created", arxiv_id, url)
    try:
        submitted = date.fromisoformat(created)
    except ValueError:
        raise ListingError(url, f"record {arxiv_id}: unreadable <created> {created!r}") from None
    authors = tuple(
        _detex(" ".join(filter(None, (_optional(a, f"arx:{part}") for part in NAME_PARTS))))
        for a in old.findall("arx:authors/arx:author", NS)
    )
    return _Record(
        arxiv_id=arxiv_id,
        title=_detex(_required(old, "arx:title", arxiv_id, url)),
        authors=tuple(name for name in authors if name),
        categories=tuple(_required(old, "arx:categories", arxiv_id, url).split()),
        submitted=submitted,
        comments=_optional(old, "arx:comments"),
        abstract=_optional(old, "arx:abstract"),
        doi=_optional(old, "arx:doi"),
        has_pdf=True,
    )


def _rfc822_date(text: str, arxiv_id: str, url: str) -> date:
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError):
        raise ListingError(url, f"record {arxiv_id}: unreadable v1 <date> {text!r}") from None


def _next_page(
    request: ListingRequest, token: ET.Element | None, url: str
) -> tuple[ListingRequest, ...]:
    """The page after this one; an empty token (or none) ends the list."""
    value = (token.text or "").strip() if token is not None else ""
    if not value:
        return ()
    used = tuple(request.meta.get("tokens", ()))
    if value in used:
        # Collect skips a URL it has read, so a looping server would end the harvest quietly.
        raise ListingError(url, f"resumptionToken {value!r} was already followed: the list loops")
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return (
        ListingRequest(
            resume_url(base, value),
            request.venue,
            request.year,
            chain=request.chain,
            meta={**request.meta, "tokens": (*used, value)},
        ),
    )


def _complete_list_size(token: ET.Element | None, url: str) -> int | None:
    # The 2025 server omits the counts on pages before the last; the old one sent them always.
    size = token.get("completeListSize") if token is not None else None
    if size is None:
        return None
    if not size.strip().isdigit():
        raise ListingError(url, f"resumptionToken completeListSize {size!r} is not a number")
    return int(size)


# --- export API (Atom) -----------------------------------------------------------------------


def _feed_page(root: ET.Element, url: str) -> ListingPage:
    entries = root.findall("atom:entry", NS)
    for entry in entries:
        if "/api/errors" in (entry.findtext("atom:id", "", NS)):
            summary = _clean(entry.findtext("atom:summary", "", NS))
            raise ListingError(url, f"arXiv API error: {summary or 'no message'}")
    total = _clean(root.findtext("os:totalResults", "", NS))
    if not total.isdigit():
        raise ListingError(url, "no <opensearch:totalResults> in the Atom feed")
    records = [_atom_record(entry, url) for entry in entries]
    return ListingPage(
        papers=tuple(_paper(record) for record in records),
        record_ids=tuple(record.arxiv_id for record in records),
        total=int(total),
    )


def _atom_record(entry: ET.Element, url: str) -> _Record:
    entry_id = _clean(entry.findtext("atom:id", "", NS))
    match = ABS_ID.search(entry_id)
    if not match:
        raise ListingError(url, f"entry <id> {entry_id!r} is not an arXiv abstract URL")
    arxiv_id = match.group(1)
    published = _required(entry, "atom:published", arxiv_id, url)
    try:
        submitted = date.fromisoformat(published[:10])
    except ValueError:
        raise ListingError(url, f"entry {arxiv_id}: unreadable <published> {published!r}") from None
    primary = entry.find("ax:primary_category", NS)
    terms = [primary.get("term", "")] if primary is not None else []
    terms += [c.get("term", "") for c in entry.findall("atom:category", NS)]
    categories = tuple(dict.fromkeys(term for term in terms if term))
    if not categories:
        raise ListingError(url, f"entry {arxiv_id} has no <category>")
    links = entry.findall("atom:link", NS)
    return _Record(
        arxiv_id=arxiv_id,
        title=_detex(_required(entry, "atom:title", arxiv_id, url)),
        authors=tuple(
            _detex(name)
            for author in entry.findall("atom:author", NS)
            if (name := _clean(author.findtext("atom:name", "", NS)))
        ),
        categories=categories,
        submitted=submitted,
        comments=_optional(entry, "ax:comment"),
        abstract=_optional(entry, "atom:summary"),
        doi=_optional(entry, "ax:doi"),
        has_pdf=any(
            link.get("title") == "pdf" or link.get("type") == "application/pdf" for link in links
        ),
    )


# --- text ------------------------------------------------------------------------------------


def _xml_root(body: bytes, url: str) -> ET.Element:
    try:
        return ET.fromstring(decode_text(body))
    except ET.ParseError as exc:
        raise ListingError(url, f"not well-formed XML ({exc})") from None


def _required(element: ET.Element, path: str, record: str, url: str) -> str:
    value = _optional(element, path)
    if value is None:
        raise ListingError(url, f"record {record} has no <{_local(path)}>")
    return value


def _optional(element: ET.Element, path: str) -> str | None:
    return _clean(element.findtext(path, None, NS)) or None


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def _split_authors(raw: str) -> tuple[str, ...]:
    """arXiv's author string ("A, B and C (MIT)") as names, affiliations dropped."""
    text = raw
    while (stripped := re.sub(r"\([^()]*\)", " ", text)) != text:
        text = stripped
    names: list[str] = []
    for part in re.split(r",\s*and\s+|,|\s+and\s+|;", text):
        name = _detex(part)
        if name in NAME_SUFFIXES and names:
            names[-1] = f"{names[-1]} {name}"
        elif name:
            names.append(name)
    return tuple(names)


# TeX accent commands as arXiv metadata writes them (Mikol\'a\v{s}), and their combining marks.
ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
}
LETTERS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "i": "i",
    "j": "j",
}
SYMBOL_ACCENT = re.compile(r"""\\(['`^"~=.])\s*(?:\{\s*(\\?[A-Za-z]+?)\s*\}|(\\?[A-Za-z]))""")
LETTER_ACCENT = re.compile(r"\\([uvHckrd])(?:\s*\{\s*(\\?[A-Za-z]+?)\s*\}|\s+([A-Za-z]))")
LETTER_COMMAND = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])(?:\{\})?\s?")
BRACED_LETTER = re.compile(r"\{([^\x00-\x7f])\}")  # {\"o} -> {ö} -> ö; ASCII {2} stays


def _detex(text: str) -> str:
    """Accented letters written in TeX as Unicode; everything else (math) left as written."""

    def accent(match: re.Match[str]) -> str:
        base = match.group(2) or match.group(3)
        letter = LETTERS.get(base[1:], base) if base.startswith("\\") else base
        return letter + ACCENTS[match.group(1)]

    text = SYMBOL_ACCENT.sub(accent, text)
    text = LETTER_ACCENT.sub(accent, text)
    text = LETTER_COMMAND.sub(lambda m: LETTERS[m.group(1)], text)
    text = unicodedata.normalize("NFC", text)
    return _clean(BRACED_LETTER.sub(r"\1", text))
