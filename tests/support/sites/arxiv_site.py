"""Write arXiv OAI-PMH harvests and export-API lookup feeds into a mirror folder.

The project writes its own records into the real structure (see tests/fixtures/arxiv/README.md):

- Current OAI-PMH server (oaipmh.arxiv.org, since 2025), ``arXivRaw`` format: layout, element
  order and escaping of the recorded page shared/fixtures-real/arxiv/oaipmh_ListRecords_arXivRaw_
  set-cs-cs-AI_2025-05-01_lastpage.xml (RFC 822 version dates, one ``setSpec`` per category, the
  last page's empty ``<resumptionToken cursor completeListSize>``). Earlier pages end in a token as
  arXiv/oaipmh's ``ResToken`` makes it (the list query, URL-quoted, with ``skip``) in its
  template's ``<resumptionToken expires='…'>`` form, without counts ("Resumption token no longer
  counts total items in list, or cursor", arXiv's OAI help). An empty list is the server's
  ``noRecordsMatch`` error page (its ``errors.xml`` template).
- Legacy server (export.arxiv.org/oai2, until 2025), ``arXiv`` format: the recorded 2013 record
  (flat, one line per record), archive-level set specs (``cs``, ``physics:astro-ph``), tokens
  ``<id>|<offset>`` with ``cursor`` and ``completeListSize`` on every page as a quoted 2024 answer
  shows, and the OAI-PMH 2.0 empty token with counts on the last page.
- Export API: the recorded id-lookup feeds (export_api_query_id_list_*.atom.xml), element order
  included; the HTTP 400 error feed as recorded. Title searches: the recorded search feeds
  (export_api_query_search_testing_*.atom.xml): ``itemsPerPage`` is ``max_results``,
  ``totalResults`` counts every match, the feed ``<title>`` shows the query decoded with ``&``
  escaped and quotes raw, as the export API writes text.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit
from xml.sax.saxutils import escape

from fwcensus.collect.arxiv_search import search_url
from fwcensus.mirror.urls import file_for_url, meta_for, write_mirror_file
from fwcensus.sources.arxiv import (
    CATEGORIES,
    PHYSICS_ARCHIVES,
    lookup_urls,
    oai_list_url,
    oai_set,
    resume_url,
)

RESPONSE_DATE = "2026-01-05T21:19:34Z"
TOKEN_EXPIRES = "2026-01-06T00:00:00Z"
DAYS_BETWEEN_VERSIONS = 40
LICENSE = "http://creativecommons.org/licenses/by/4.0/"
OAI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" \n'
    '         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
    '         xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/'
    ' http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
)
LEGACY_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/'
    ' http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
)
RAW_OPEN = (
    '<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://arxiv.org/OAI/arXivRaw/ https://oaipmh.arxiv.org/OAI/arXivRaw.xsd">'
)
ARXIV_OPEN = (
    '<arXiv xmlns="http://arxiv.org/OAI/arXiv/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ http://arxiv.org/OAI/arXiv.xsd">'
)
FEED_OPEN = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
    ' xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
)


class OaiEra(StrEnum):
    CURRENT = "current"  # oaipmh.arxiv.org, arXivRaw, counts on the last page only
    LEGACY = "legacy"  # export.arxiv.org/oai2, arXiv format, counts on every page


@dataclass(frozen=True)
class ArxivRecord:
    """One paper as arXiv stores it; ``authors`` and ``title`` may hold TeX (Mikol\\'a\\v{s})."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]  # primary first
    submitted: datetime  # first version, UTC
    datestamp: date  # the OAI datestamp: the record's last modification
    versions: int = 1
    comments: str | None = None
    doi: str | None = None
    abstract: str = "We propose a method and evaluate it on public benchmarks."
    withdrawn: bool = False  # the current version is a withdrawal: no PDF
    deleted: bool = False  # the OAI record is deleted: header only


@dataclass(frozen=True)
class OaiHarvest:
    urls: tuple[str, ...]  # every page's real URL, in chain order
    records: tuple[ArxivRecord, ...]  # every record written, in page order


def write_oai_year(
    root: Path,
    year: int,
    records: Sequence[ArxivRecord],
    page_size: int,
    categories: Sequence[str] = CATEGORIES,
) -> dict[str, OaiHarvest]:
    """Write the harvest ``ArxivSource`` asks for to collect ``year``, one chain per set.

    Each set gets the records listing its category with a datestamp on or after January 1, in
    the server's order (datestamp, then id); a set with none gets ``noRecordsMatch``.
    """
    start = date(year, 1, 1)
    harvests = {}
    for category in categories:
        chosen = sorted(
            (r for r in records if category in r.categories and r.datestamp >= start),
            key=lambda r: (r.datestamp, r.arxiv_id),
        )
        spec = oai_set(category)
        harvests[spec] = write_oai_harvest(root, oai_list_url(spec, year), chosen, page_size)
    return harvests


def write_oai_harvest(
    root: Path,
    first_url: str,
    records: Sequence[ArxivRecord],
    page_size: int,
    era: OaiEra = OaiEra.CURRENT,
) -> OaiHarvest:
    """Write ``records`` as the token-chained pages of the ListRecords query ``first_url``."""
    if not records:
        write_oai_error(root, first_url, "noRecordsMatch", NO_RECORDS_MATCH)
        return OaiHarvest((first_url,), ())
    pages = [records[i : i + page_size] for i in range(0, len(records), page_size)]
    parts = urlsplit(first_url)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    query = dict(parse_qsl(parts.query))
    urls = [first_url]
    request = query
    for number, page in enumerate(pages):
        cursor = number * page_size
        last = number == len(pages) - 1
        token = None if last else _token(era, first_url, query, cursor + len(page))
        counts = (cursor, len(records)) if last or era == OaiEra.LEGACY else None
        body = _oai_page(era, base, request, page, _token_element(era, token, counts))
        write_mirror_file(root, urls[-1], body.encode("utf-8"))
        if token is not None:
            urls.append(resume_url(base, token))
            request = {"verb": "ListRecords", "resumptionToken": token}
    return OaiHarvest(tuple(urls), tuple(records))


NO_RECORDS_MATCH = (
    "The combination of the values of the from, until, set and metadataPrefix arguments"
    " results in an empty list."
)


def write_oai_error(root: Path, url: str, code: str, message: str) -> None:
    """An OAI-PMH error answer, as the server sends it: HTTP 200 with one ``<error>``."""
    base = url.split("?", 1)[0].replace("https://", "http://", 1)
    body = (
        f"{OAI_HEAD}    <responseDate>{RESPONSE_DATE}</responseDate>\n"
        f"    <request>{base}</request>\n\n"
        f"    <error code='{code}'>{_escape(message)}</error>\n</OAI-PMH>"
    )
    write_mirror_file(root, url, body.encode("utf-8"))


def write_atom_lookup(
    root: Path, records: Sequence[ArxivRecord], ids: Sequence[str], batch_size: int
) -> list[str]:
    """Write the export-API answers to ``lookup_urls(ids, batch_size)``.

    Ids not in ``records`` are absent from the answers, as the API leaves out unknown ids. A
    mirror file name holds at most 255 bytes, so mirrors need batches of about 15 ids.
    """
    by_id = {record.arxiv_id: record for record in records}
    urls = lookup_urls(ids, batch_size)
    for url in urls:
        asked = _asked_ids(url)
        found = [by_id[arxiv_id] for arxiv_id in asked if arxiv_id in by_id]
        write_mirror_file(root, url, _feed(url, len(asked), found).encode("utf-8"))
    return urls


def write_atom_error(root: Path, url: str, message: str) -> None:
    """The export API's answer to a malformed request: HTTP 400 and one error entry."""
    anchor = "_".join(message.split())
    body = (
        f"{FEED_OPEN}  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n"
        f"  <updated>{RESPONSE_DATE}</updated>\n"
        "  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n"
        "  <opensearch:totalResults>1</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        "  <entry>\n"
        f"    <id>https://arxiv.org/api/errors#{anchor}</id>\n    <title>Error</title>\n"
        f"    <updated>{RESPONSE_DATE}</updated>\n"
        f'    <link href="https://arxiv.org/api/errors#{anchor}" rel="alternate"'
        ' type="text/html"/>\n'
        f"    <summary>{_escape(message)}</summary>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n</feed>\n"
    )
    write_mirror_file(root, url, body.encode("utf-8"))
    meta_for(file_for_url(root, url)).write_text(json.dumps({"status": 400}), encoding="utf-8")


def write_atom_search(
    root: Path, title: str, records: Sequence[ArxivRecord], total: int | None = None
) -> str:
    """Write the export API's answer to ``search_url(title)``: ``records`` as its entries, in
    relevance order, out of ``total`` matches (default: just these); return the URL."""
    url = search_url(title)
    query = dict(parse_qsl(urlsplit(url).query))
    size = query["max_results"]
    # The feed names the query decoded (the phrase's quotes and spaces shown as such, as the
    # user manual says); its link is a GET URL again.
    shown = escape(query["search_query"])
    feed_title = f"search_query={shown}&amp;id_list=&amp;start=0&amp;max_results={size}"
    link = (
        f"search_query={quote_plus(query['search_query'], safe=':')}"
        f"&amp;start=0&amp;max_results={size}&amp;id_list="
    )
    # Real feed ids are 27 characters: an unpadded base64 SHA-1 of the query.
    feed_id = base64.b64encode(hashlib.sha1(url.encode()).digest()).decode().rstrip("=")
    found = len(records) if total is None else total
    body = _feed_xml(feed_id, feed_title, link, int(size), found, records[: int(size)])
    write_mirror_file(root, url, body.encode("utf-8"))
    return url


# --- OAI-PMH pages ---------------------------------------------------------------------------


def _token(era: OaiEra, first_url: str, query: Mapping[str, str], offset: int) -> str:
    if era == OaiEra.LEGACY:
        # The old server named a stored result set and the 1-based index of the next record.
        return f"{zlib.crc32(first_url.encode()) % 10_000_000}|{offset + 1}"
    return quote(urlencode({**query, "skip": offset}))


def _token_element(era: OaiEra, token: str | None, counts: tuple[int, int] | None) -> str:
    attrs = f' cursor="{counts[0]}" completeListSize="{counts[1]}"' if counts else ""
    if era == OaiEra.LEGACY and token:
        return f"<resumptionToken{attrs}>{token}</resumptionToken>"
    if era == OaiEra.LEGACY:
        return f"<resumptionToken{attrs}/>"
    if token:
        return f"<resumptionToken expires='{TOKEN_EXPIRES}'>{token}</resumptionToken>"
    return f"<resumptionToken{attrs}></resumptionToken>"


def _oai_page(
    era: OaiEra,
    base: str,
    request: Mapping[str, str],
    records: Sequence[ArxivRecord],
    token: str,
) -> str:
    attrs = "".join(f' {name}="{_escape(value)}"' for name, value in request.items())
    served_as = base.replace("https://", "http://", 1)  # the server names itself over http
    if era == OaiEra.LEGACY:
        body = "".join(_legacy_record(record) for record in records)
        return (
            f"{LEGACY_HEAD}<responseDate>{RESPONSE_DATE}</responseDate>\n"
            f"<request{attrs}>{served_as}</request>\n<ListRecords>\n{body}{token}\n"
            "</ListRecords>\n</OAI-PMH>\n"
        )
    body = "".join(_raw_record(record) for record in records)
    return (
        f"{OAI_HEAD}    <responseDate>{RESPONSE_DATE}</responseDate>\n"
        f"                <request{attrs}>{served_as}</request>\n\n\n"
        f"    <ListRecords>\n                    {body}{token}\n"
        "</ListRecords>\n</OAI-PMH>"
    )


def _header(record: ArxivRecord, sets: Sequence[str], indent: bool) -> str:
    status = ' status="deleted"' if record.deleted else ""
    pad, set_pad = ("        ", "            ") if indent else ("", "")
    specs = "".join(f"{set_pad}<setSpec>{spec}</setSpec>\n" for spec in dict.fromkeys(sets))
    close = "    </header>" if indent else "</header>"
    return (
        f"<header{status}>\n{pad}<identifier>oai:arXiv.org:{record.arxiv_id}</identifier>\n"
        f"{pad}<datestamp>{record.datestamp.isoformat()}</datestamp>\n{specs}{close}"
    )


def _raw_record(record: ArxivRecord) -> str:
    header = _header(record, [oai_set(c) for c in record.categories], indent=True)
    if record.deleted:
        return f"<record>\n                {header}\n        </record>\n"
    versions = "".join(_raw_version(record, number) for number in range(1, record.versions + 1))
    optional = "".join(
        f"            <{tag}>{_escape(value)}</{tag}>\n"
        for tag, value in (("comments", record.comments), ("doi", record.doi))
        if value
    )
    return (
        "<record>\n"
        f"                {header}\n\n"
        "            <metadata>\n"
        f"                        {RAW_OPEN}\n"
        f"        <id>{record.arxiv_id}</id>\n"
        f"        <submitter>{_escape(record.authors[0] if record.authors else '')}</submitter>\n"
        f"{versions}"
        f"        <title>{_escape(record.title)}</title>\n"
        f"        <authors>{_escape(', '.join(record.authors))}</authors>\n"
        f"        <categories>{' '.join(record.categories)}</categories>\n"
        f"{optional}"
        f"            <license>{LICENSE}</license>\n"
        f"            <abstract>{_escape(record.abstract)}</abstract>\n"
        "    </arXivRaw>\n\n"
        "            </metadata>\n"
        "        </record>\n"
    )


def _raw_version(record: ArxivRecord, number: int) -> str:
    when = record.submitted + timedelta(days=DAYS_BETWEEN_VERSIONS * (number - 1))
    withdrawn = record.withdrawn and number == record.versions
    return (
        f'            <version version="v{number}">\n'
        f"                <date>{when.strftime('%a, %d %b %Y %H:%M:%S GMT')}</date>\n"
        f"                <size>{2 if withdrawn else 100 * number}kb</size>\n"
        f"                    <source_type>{'I' if withdrawn else 'D'}</source_type>\n"
        "            </version>\n"
    )


def _legacy_record(record: ArxivRecord) -> str:
    header = _header(record, [_legacy_set(c) for c in record.categories], indent=False)
    if record.deleted:
        return f"<record>\n{header}\n</record>\n"
    authors = "".join(_legacy_author(name) for name in record.authors)
    updated = record.submitted + timedelta(days=DAYS_BETWEEN_VERSIONS * (record.versions - 1))
    fields = [
        f"<id>{record.arxiv_id}</id><created>{record.submitted.date().isoformat()}</created>",
        f"<updated>{updated.date().isoformat()}</updated>" if record.versions > 1 else "",
        f"<authors>{authors}</authors><title>{_escape(record.title)}</title>",
        f"<categories>{' '.join(record.categories)}</categories>",
        f"<comments>{_escape(record.comments)}</comments>" if record.comments else "",
        f"<doi>{_escape(record.doi)}</doi>" if record.doi else "",
        f"<abstract>{_escape(record.abstract)}</abstract>",
    ]
    return (
        f"<record>\n{header}\n<metadata>\n{ARXIV_OPEN}\n{''.join(fields)}</arXiv>\n"
        "</metadata>\n</record>\n"
    )


def _legacy_author(name: str) -> str:
    forenames, _, keyname = name.rpartition(" ")
    first = f"<forenames>{_escape(forenames)}</forenames>" if forenames else ""
    return f"<author><keyname>{_escape(keyname)}</keyname>{first}</author>"


def _legacy_set(category: str) -> str:
    """The old server's sets were archives: ``cs``, ``stat``, ``physics:astro-ph``."""
    archive = category.partition(".")[0]
    return f"physics:{archive}" if archive in PHYSICS_ARCHIVES else archive


# --- export API feeds ------------------------------------------------------------------------


def _asked_ids(url: str) -> list[str]:
    id_list = dict(parse_qsl(urlsplit(url).query))["id_list"]
    return id_list.split(",")


def _feed(url: str, asked: int, records: Sequence[ArxivRecord]) -> str:
    ids = _escape(dict(parse_qsl(urlsplit(url).query))["id_list"])
    title = f"search_query=&amp;id_list={ids}&amp;start=0&amp;max_results={asked}"
    link = f"search_query=&amp;start=0&amp;max_results={asked}&amp;id_list={ids}"
    feed_id = f"{zlib.crc32(url.encode()):08x}"
    return _feed_xml(feed_id, title, link, asked, len(records), records)


def _feed_xml(
    feed_id: str,
    title: str,
    link: str,
    per_page: int,
    total: int,
    records: Sequence[ArxivRecord],
) -> str:
    """A feed around ``records``; ``title`` and ``link`` are the query as the feed names it,
    already escaped."""
    entries = "".join(_entry(record) for record in records)
    return (
        f"{FEED_OPEN}  <id>https://arxiv.org/api/{feed_id}</id>\n"
        f"  <title>arXiv Query: {title}</title>\n"
        f"  <updated>{RESPONSE_DATE}</updated>\n"
        f'  <link href="https://arxiv.org/api/query?{link}" type="application/atom+xml"/>\n'
        f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        f"{entries}</feed>\n"
    )


def _entry(record: ArxivRecord) -> str:
    versioned = f"{record.arxiv_id}v{record.versions}"
    published = record.submitted.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    updated = (
        record.submitted + timedelta(days=DAYS_BETWEEN_VERSIONS * (record.versions - 1))
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    pdf = (
        ""
        if record.withdrawn
        else f'    <link href="https://arxiv.org/pdf/{versioned}" rel="related"'
        ' type="application/pdf" title="pdf"/>\n'
    )
    categories = "".join(
        f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>\n'
        for c in record.categories
    )
    comment = (
        f"    <arxiv:comment>{_escape(record.comments)}</arxiv:comment>\n"
        if record.comments
        else ""
    )
    authors = "".join(
        f"    <author>\n      <name>{_escape(name)}</name>\n    </author>\n"
        for name in record.authors
    )
    doi = (
        f"    <arxiv:doi>{_escape(record.doi)}</arxiv:doi>\n"
        f'    <link rel="related" href="https://doi.org/{_escape(record.doi)}" title="doi"/>\n'
        if record.doi
        else ""
    )
    return (
        "  <entry>\n"
        f"    <id>http://arxiv.org/abs/{versioned}</id>\n"
        f"    <title>{_escape(record.title)}</title>\n"
        f"    <updated>{updated}</updated>\n"
        f'    <link href="https://arxiv.org/abs/{versioned}" rel="alternate" type="text/html"/>\n'
        f"{pdf}"
        f"    <summary>{_escape(record.abstract)}</summary>\n"
        f"{categories}"
        f"    <published>{published}</published>\n"
        f"{comment}"
        f'    <arxiv:primary_category term="{record.categories[0]}"/>\n'
        f"{authors}{doi}"
        "  </entry>\n"
    )


def _escape(text: str) -> str:
    """Escape as the servers' Jinja templates do (``'`` as ``&#39;``, ``"`` as ``&#34;``)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )
