"""arXiv source: OAI-PMH harvests by year (both server eras), export-API lookups, bad input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from fwcensus.collect.stage import CollectError, CollectSummary, collect
from fwcensus.fetch.client import FetchError, HttpClient
from fwcensus.mirror.urls import file_for_url
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings, host_table
from fwcensus.sources.arxiv import (
    CATEGORIES,
    ArxivSource,
    code_urls,
    lookup_urls,
    oai_list_url,
    parse_feed,
)
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest
from fwcensus.store import Store

import skeleton
from conftest import Serve
from facts import FIXTURES, structure
from support.sites.arxiv_site import (
    ArxivRecord,
    OaiEra,
    write_atom_error,
    write_atom_lookup,
    write_oai_error,
    write_oai_harvest,
    write_oai_year,
)

YEAR = 2019
# The recorded pages whose signatures tests/fixtures/arxiv/structure keeps.
RECORDED_OAI_PAGE = "oaipmh_ListRecords_arXivRaw_set-cs-cs-AI_2025-05-01_lastpage.xml"
RECORDED_LEGACY_PAGE = "oaipmh_ListRecords_arXiv_set-physics-astro-ph_2013-04-03_onerecord.xml"
RECORDED_LOOKUP = "export_api_query_id_list_1707.08567.atom.xml"
OAI_URL = (
    "https://oaipmh.arxiv.org/oai?verb=ListRecords&metadataPrefix=arXivRaw"
    "&set=cs:cs:AI&from=2025-05-01"
)
LEGACY_URL = (
    "https://export.arxiv.org/oai2?verb=ListRecords&metadataPrefix=arXiv&set=cs&from=2019-01-01"
)
# No mix lists cs.CL, so that set's harvest is the server's noRecordsMatch answer.
MIXES = (
    ("cs.LG",),
    ("cs.CV", "cs.LG"),
    ("stat.ML", "cs.LG"),
    ("cs.AI",),
    ("eess.IV", "cs.CV"),  # primary elsewhere, cross-listed to an ML category
    ("cs.RO", "cs.AI"),
    ("cs.LG", "cs.AI", "stat.ML"),
)
TEX_AUTHORS = (r"Mikol\'a\v{s} Janota", r"J{\"o}rg M{\"u}ller", r"Bj\o rn Ostberg")
TEX_NAMES = ["Mikoláš Janota", "Jörg Müller", "Bjørn Ostberg"]


def corpus() -> list[ArxivRecord]:
    """Papers first submitted 2018-2020, each modified some time after, plus special cases."""
    records = []
    for i in range(150):
        year = 2018 + i % 3
        submitted = datetime(year, 1 + i % 12, 1 + i % 28, 9, 30, tzinfo=UTC)
        records.append(
            ArxivRecord(
                arxiv_id=f"{year % 100:02d}{1 + i % 12:02d}.{10000 + i:05d}",
                title=f"Learning Representations of Kind {i} & <Friends>",
                authors=(f"Ada Lovelace {i}", "Alan Turing"),
                categories=MIXES[i % len(MIXES)],
                submitted=submitted,
                datestamp=submitted.date() + timedelta(days=(i * 37) % 900),
                versions=1 + i % 3,
            )
        )
    special = datetime(2019, 6, 3, 12, 0, tzinfo=UTC)
    return [
        *records,
        ArxivRecord(
            "1906.99001",
            'Deep Nets for G\\"odel Numbers',
            TEX_AUTHORS,
            ("cs.LG", "cs.AI"),
            special,
            date(2021, 3, 1),
            versions=2,
            comments="10 pages. Code: https://github.com/example/godel-nets.",
            doi="10.1000/example.1 10.1000/example.2",
        ),
        ArxivRecord(
            "1906.99002",
            "A Withdrawn Result",
            ("Erin Error",),
            ("cs.CV",),
            special,
            date(2019, 7, 1),
            versions=2,
            withdrawn=True,
        ),
        ArxivRecord(
            "1906.99003", "Deleted", ("X Y",), ("cs.LG",), special, date(2019, 8, 1), deleted=True
        ),
    ]


def expected_2019(records: list[ArxivRecord]) -> dict[str, ArxivRecord]:
    return {
        r.arxiv_id: r
        for r in records
        if r.submitted.year == YEAR and not r.deleted and set(r.categories) & set(CATEGORIES)
    }


def run_collect(root: Path, serve: Serve, store: Store, year: int = YEAR) -> CollectSummary:
    server = serve(root)
    with HttpClient(fetch_settings(mirror=server.url, rate=0)) as client:
        return collect(store, client, "arXiv", year, source=ArxivSource())


def parse(body: bytes, url: str = OAI_URL, year: int = YEAR, **meta: object) -> ListingPage:
    request = ListingRequest(url, "arXiv", year, chain="cs:cs:AI", meta=meta)
    return ArxivSource().parse(request, body, url)


def one_page(root: Path) -> bytes:
    """A last page as the current server sends it: three records (one of 2019 whose primary
    category lies outside the harvested set, two of 2022), the list's size given."""
    first = datetime(2019, 9, 3, 14, 3, 55, tzinfo=UTC)
    later = datetime(2022, 5, 10, 8, 0, tzinfo=UTC)
    records = [
        ArxivRecord("1909.00007", "Can Stand-Ins Be Trusted? A Study", ("Ada Lovelace",
                    "Alan Turing", "Émile Borel"), ("eess.IV", "cs.CV", "cs.AI"), first,
                    date(2020, 11, 2), doi="10.1000/example.7"),
        ArxivRecord("2205.00008", "Pages Are Not Repositories", ("Grace Hopper",), ("cs.AI",),
                    later, date(2022, 6, 1), comments="Project page: https://ex.github.io/pages"),
        ArxivRecord("2206.00009", "Clustering Programs", TEX_AUTHORS, ("cs.LO", "cs.AI"), later,
                    date(2022, 7, 1), comments="Code: https://github.com/example/clusters"),
    ]  # fmt: skip
    harvest = write_oai_harvest(root, OAI_URL, records, page_size=5)
    return file_for_url(root, harvest.urls[0]).read_bytes()


def token_of(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query))["resumptionToken"]


def edit(root: Path, url: str, old: str, new: str) -> None:
    file = file_for_url(root, url)
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {url}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the venue-year ------------------------------------------------------------------------


def test_collect_a_year_from_a_multi_page_oai_harvest(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    records = corpus()
    harvests = write_oai_year(tmp_path, YEAR, records, page_size=7)
    assert harvests["cs:cs:CL"].records == ()  # answered noRecordsMatch
    assert min(len(h.urls) for s, h in harvests.items() if s != "cs:cs:CL") >= 4
    expected = expected_2019(records)

    summary = run_collect(tmp_path, serve, store)

    assert summary.papers == len(expected) == 52
    assert summary.pages == sum(len(h.urls) for h in harvests.values())
    listed = sum(r.arxiv_id in expected for h in harvests.values() for r in h.records)
    assert summary.duplicates == listed - len(expected) > 0  # cross-lists, kept once
    assert summary.without_pdf == 1
    rows = {row["source_id"]: row for row in store.papers.rows(Selection(("arXiv",), (YEAR,)))}
    assert set(rows) == set(expected)
    for arxiv_id in sorted(expected)[::9]:
        record, row = expected[arxiv_id], rows[arxiv_id]
        assert row["title"] == record.title
        assert row["authors"] == list(record.authors)
        assert row["pdf_url"] == (None if record.withdrawn else f"https://arxiv.org/pdf/{arxiv_id}")
        assert row["page_url"] == f"https://arxiv.org/abs/{arxiv_id}"
        assert (row["arxiv_id"], row["year"], row["venue"]) == (arxiv_id, YEAR, "arXiv")
        assert row["track"] == record.categories[0]
    assert {row["track"] for row in rows.values()} == {m[0] for m in MIXES}

    tex = rows["1906.99001"]
    assert tex["title"] == "Deep Nets for Gödel Numbers"
    assert tex["authors"] == TEX_NAMES
    assert tex["doi"] == "10.1000/example.1"
    assert tex["code_urls"] == ["https://github.com/example/godel-nets"]
    withdrawn = rows["1906.99002"]
    assert withdrawn["pdf_url"] is None and withdrawn["doc_status"] == "skipped"
    assert "1906.99003" not in rows  # a deleted OAI record is no paper


def test_the_years_requests_and_official_urls_are_real_and_polite() -> None:
    source = ArxivSource()
    assert source.venue_years() == {"arXiv": tuple(range(2012, 2026))}
    requests = source.start_requests("arXiv", 2012)
    assert [r.url for r in requests] == [
        "https://oaipmh.arxiv.org/oai?verb=ListRecords&metadataPrefix=arXivRaw"
        f"&set={spec}&from=2012-01-01"
        for spec in ("cs:cs:LG", "cs:cs:CV", "cs:cs:CL", "cs:cs:AI", "stat:stat:ML")
    ]
    assert [r.chain for r in requests] == [
        "cs:cs:LG",
        "cs:cs:CV",
        "cs:cs:CL",
        "cs:cs:AI",
        "stat:stat:ML",
    ]
    assert source.official_url("arXiv", 2019) == "https://arxiv.org/list/cs.LG/19"
    for bad in (("arXiv", 2011), ("arXiv", 2026), ("CVPR", 2019)):
        with pytest.raises(ValueError, match="no"):
            source.start_requests(*bad)
    urls = [r.url for r in requests] + lookup_urls(["1707.08567"]) + ["https://arxiv.org/pdf/x"]
    assert {urlsplit(url).netloc for url in urls} <= set(host_table().rates())


def test_a_category_whose_primary_lies_elsewhere_keeps_its_primary_as_track(
    tmp_path: Path,
) -> None:
    page = parse(one_page(tmp_path))
    assert page.record_ids == (
        "oai:arXiv.org:1909.00007",
        "oai:arXiv.org:2205.00008",
        "oai:arXiv.org:2206.00009",
    )
    assert page.total == 3 and page.follow == ()
    (paper,) = page.papers  # the two others were first submitted in 2022
    assert (paper.source_id, paper.year, paper.track) == ("1909.00007", 2019, "eess.IV")
    assert paper.title == "Can Stand-Ins Be Trusted? A Study"
    assert paper.authors == ("Ada Lovelace", "Alan Turing", "Émile Borel")
    assert paper.doi == "10.1000/example.7"
    assert paper.pdf_url == "https://arxiv.org/pdf/1909.00007"
    later = {p.source_id: p for p in parse(one_page(tmp_path), year=2022).papers}
    assert list(later["2206.00009"].authors) == TEX_NAMES
    assert later["2206.00009"].code_urls == ("https://github.com/example/clusters",)
    assert later["2205.00008"].code_urls == ()  # a project page on github.io is no repository


# --- every era -----------------------------------------------------------------------------


def test_the_legacy_server_era_in_the_arxiv_format(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    records = [r for r in corpus() if r.submitted.year == YEAR and "cs.LG" in r.categories]
    harvest = write_oai_harvest(tmp_path, LEGACY_URL, records, page_size=5, era=OaiEra.LEGACY)
    assert len(harvest.urls) >= 4 and "%7C" in harvest.urls[1]  # tokens "<id>|<offset>"
    server = serve(tmp_path)
    with HttpClient(fetch_settings(mirror=server.url, rate=0)) as client:
        summary = collect(store, client, "arXiv", YEAR, source=LegacyServer(LEGACY_URL))
    kept = [r for r in records if not r.deleted]
    assert summary.papers == len(kept) and summary.pages == len(harvest.urls)
    rows = {row["source_id"]: row for row in store.papers.rows(Selection())}
    tex = rows["1906.99001"]
    assert tex["authors"] == TEX_NAMES
    assert tex["code_urls"] == ["https://github.com/example/godel-nets"]
    assert rows[kept[0].arxiv_id]["title"] == kept[0].title


@dataclass(frozen=True)
class LegacyServer:
    """ArxivSource's parser started on the pre-2025 server, which collect no longer asks."""

    first_url: str
    name: str = "arxiv"

    def venue_years(self) -> dict[str, tuple[int, ...]]:
        return ArxivSource().venue_years()

    def start_requests(self, venue: str, year: int) -> list[ListingRequest]:
        return [ListingRequest(self.first_url, venue, year, chain="cs")]

    def parse(self, request: ListingRequest, body: bytes, final_url: str) -> ListingPage:
        return ArxivSource().parse(request, body, final_url)

    def official_url(self, venue: str, year: int) -> str:
        return ArxivSource().official_url(venue, year)


def recorded(name: str) -> skeleton.Node:
    return structure("arxiv", name)["root"]


def built(path: Path) -> skeleton.Node:
    return skeleton.signature(path.read_bytes(), "xml")["root"]


def test_the_builder_writes_the_structure_of_the_recorded_pages(tmp_path: Path) -> None:
    record = corpus()[-3]  # comments and a DOI, like the recorded records
    current = write_oai_harvest(tmp_path, OAI_URL, [record], page_size=5)
    page = built(file_for_url(tmp_path, current.urls[0]))
    assert skeleton.tag_paths(page) == skeleton.tag_paths(recorded(RECORDED_OAI_PAGE))
    token = skeleton.find(page, "ListRecords/resumptionToken")
    assert token["attrs"] == ["completeListSize", "cursor"]

    plain = ArxivRecord(
        "0801.00001", "T", ("A B",), ("astro-ph",), record.submitted, date(2013, 3, 26)
    )
    legacy = write_oai_harvest(tmp_path, LEGACY_URL, [plain], page_size=5, era=OaiEra.LEGACY)
    built_legacy = skeleton.tag_paths(built(file_for_url(tmp_path, legacy.urls[0])))
    # The recorded copy was cut before its token.
    token_path = "/{0}OAI-PMH/{0}ListRecords/{0}resumptionToken".format(
        "{http://www.openarchives.org/OAI/2.0/}"
    )
    assert built_legacy - {token_path} <= skeleton.tag_paths(recorded(RECORDED_LEGACY_PAGE))

    # Every recorded export API answer: lookups, searches, an empty one, an error.
    feeds = (FIXTURES / "arxiv" / "structure").glob("export_api_query_*.json")
    recorded_paths = set().union(*(skeleton.tag_paths(recorded(f.stem)) for f in feeds))
    (url,) = write_atom_lookup(tmp_path, [record], [record.arxiv_id], batch_size=10)
    built_feed = skeleton.tag_paths(built(file_for_url(tmp_path, url)))
    assert skeleton.tag_paths(recorded(RECORDED_LOOKUP)) < built_feed <= recorded_paths


# --- export API lookups --------------------------------------------------------------------


def test_id_lookups_through_the_export_api(tmp_path: Path, serve: Serve) -> None:
    records = corpus()
    asked = [r.arxiv_id for r in records[:40:2]] + ["1906.99002", "astro-ph/0601001"]
    urls = write_atom_lookup(tmp_path, records, asked, batch_size=10)
    assert [u.rsplit("max_results=", 1)[1] for u in urls] == ["10", "10", "2"]
    assert urls[-1].endswith("id_list=1906.99002,astro-ph%2F0601001&start=0&max_results=2")
    server = serve(tmp_path)
    pages = []
    with HttpClient(fetch_settings(mirror=server.url, rate=0)) as client:
        for url in urls:
            response = client.get(url)
            pages.append(parse_feed(response.body, response.final_url))
    by_id = {p.source_id: p for page in pages for p in page.papers}
    assert [page.total for page in pages] == [10, 10, 1]  # the old-style id is not on arXiv
    assert list(by_id) == asked[:-1] == [i for page in pages for i in page.record_ids]
    sample = records[10]
    paper = by_id[sample.arxiv_id]
    assert (paper.title, paper.authors) == (sample.title, sample.authors)
    assert (paper.year, paper.track) == (sample.submitted.year, sample.categories[0])
    assert paper.pdf_url == f"https://arxiv.org/pdf/{sample.arxiv_id}"
    assert by_id["1906.99002"].pdf_url is None  # withdrawn: the entry has no pdf link


def test_lookup_requests_batch_and_refuse_what_is_no_arxiv_id() -> None:
    ids = [f"2101.{n:05d}" for n in range(250)] + ["2101.00000", "cs/0601001v2"]
    urls = lookup_urls(ids)
    assert [u.rsplit("max_results=", 1)[1] for u in urls] == ["100", "100", "51"]
    assert urls[0].startswith("https://export.arxiv.org/api/query?id_list=2101.00000,2101.00001,")
    assert urls[-1].endswith(",cs%2F0601001v2&start=0&max_results=51")
    with pytest.raises(ValueError, match="not arXiv ids: abc"):
        lookup_urls(["1707.08567", "abc"])


def test_the_export_api_error_answer(tmp_path: Path, serve: Serve) -> None:
    url = "https://export.arxiv.org/api/query?id_list=abc&start=0&max_results=1"
    write_atom_error(tmp_path, url, "incorrect id format for abc")
    server = serve(tmp_path)
    with (
        HttpClient(fetch_settings(mirror=server.url, rate=0)) as client,
        pytest.raises(FetchError, match="HTTP 400"),
    ):
        client.get(url)
    with pytest.raises(ListingError, match=r"^u: arXiv API error: incorrect id format for abc$"):
        parse_feed(file_for_url(tmp_path, url).read_bytes(), "u")


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "missing"),
    [
        ("ListRecords", "ListThings", "no <ListRecords> and no <error>"),
        ("header", "head", "a <record> has no <header><identifier>"),
        ("arXivRaw", "arXivPlain", "record oai:arXiv.org:1909.00007 has no <arXivRaw> or <arXiv>"),
        ("title", "name", "record 1909.00007 has no <title>"),
        ("categories", "cats", "record 1909.00007 has no <categories>"),
        ('version="v1"', 'version="v0"', 'record 1909.00007 has no <version version="v1">'),
        ("Tue, 03 Sep 2019 14:03:55 GMT", "yesterday", "1909.00007: unreadable v1 <date>"),
        ('completeListSize="3"', 'completeListSize="three"', "completeListSize 'three'"),
        ("OAI-PMH", "html", "root <html> is not <OAI-PMH> or <feed>"),
        ("</ListRecords>", "", "not well-formed XML (mismatched tag"),
    ],
)
def test_a_changed_structure_is_a_one_line_error_naming_url_and_element(
    tmp_path: Path, old: str, new: str, missing: str
) -> None:
    text = one_page(tmp_path).decode("utf-8")
    assert old in text
    if old.isalpha() or old == "OAI-PMH":  # an element renamed, its closing tags too
        changed = text.replace(f"<{old}", f"<{new}").replace(f"</{old}>", f"</{new}>")
    else:
        changed = text.replace(old, new, 1)
    with pytest.raises(ListingError) as info:
        parse(changed.encode("utf-8"))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{OAI_URL}: ") and missing in message


def test_author_strings_lose_affiliations_and_keep_suffixes(tmp_path: Path) -> None:
    raw = "Ada Lovelace, Alan Turing, Émile Borel"
    written = (
        r"Ada Lovelace (UCL), Alan Turing ((1) A, (2) B) and"
        r" Émile Borel, Jr., and Fran{\c{c}}ois Ch\^{a}teau"
    )
    body = one_page(tmp_path).replace(raw.encode(), written.encode())
    assert parse(body).papers[0].authors == (
        "Ada Lovelace",
        "Alan Turing",
        "Émile Borel Jr.",
        "François Château",
    )


def test_a_record_lacking_optional_fields_is_kept(tmp_path: Path) -> None:
    bare = ArxivRecord(
        "1901.00001", "Bare", (), ("cs.LG",), datetime(2019, 1, 2, tzinfo=UTC), date(2019, 1, 2)
    )
    harvest = write_oai_harvest(tmp_path, OAI_URL, [bare], page_size=5)
    file = file_for_url(tmp_path, harvest.urls[0])
    text = file.read_text(encoding="utf-8")
    for tag in ("license", "abstract", "submitter"):
        start = text.index(f"<{tag}>")
        text = text[:start] + text[text.index(f"</{tag}>") + len(tag) + 3 :]
    (paper,) = parse(text.encode("utf-8")).papers
    assert (paper.title, paper.authors, paper.doi, paper.code_urls) == ("Bare", (), None, ())
    assert paper.pdf_url == "https://arxiv.org/pdf/1901.00001"


def test_non_utf8_bytes_in_a_page_give_sensible_text(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    record = ArxivRecord(
        "1902.00001",
        "Learning from Götz",
        ("Zoë Ärger",),
        ("cs.LG",),
        datetime(2019, 2, 1, tzinfo=UTC),
        date(2019, 2, 1),
    )
    write_oai_year(tmp_path, YEAR, [record], page_size=5)
    url = oai_list_url("cs:cs:LG", YEAR)
    file = file_for_url(tmp_path, url)
    body = file.read_bytes().replace("Götz".encode(), "Götz".encode("latin-1"))
    file.write_bytes(body.replace("Zoë".encode(), b"Zo\x81"))  # \x81: nothing in any code page
    summary = run_collect(tmp_path, serve, store)
    assert summary.papers == 1
    (row,) = store.papers.rows(Selection())
    assert row["title"] == "Learning from Götz"
    assert row["authors"] == ["Zo\ufffd Ärger"]


# --- pagination ----------------------------------------------------------------------------


def four_page_chain(root: Path) -> tuple[str, ...]:
    records = [r for r in corpus() if "cs.LG" in r.categories and r.datestamp.year >= YEAR]
    harvests = write_oai_year(root, YEAR, records, page_size=20, categories=("cs.LG",))
    urls = harvests["cs:cs:LG"].urls
    assert len(urls) >= 4
    return urls


def collect_cs_lg(root: Path, serve: Serve, store: Store) -> CollectSummary:
    server = serve(root)
    with HttpClient(fetch_settings(mirror=server.url, rate=0)) as client:
        return collect(store, client, "arXiv", YEAR, source=ArxivSource(categories=("cs.LG",)))


def test_a_token_chain_that_loops_back_fails(tmp_path: Path, serve: Serve, store: Store) -> None:
    urls = four_page_chain(tmp_path)
    edit(tmp_path, urls[2], token_of(urls[3]), token_of(urls[1]))
    with pytest.raises(
        CollectError, match=r"resumptionToken .* was already followed: the list loops"
    ):
        collect_cs_lg(tmp_path, serve, store)
    assert store.papers.rows(Selection()) == []


def test_a_page_that_repeats_an_earlier_one_fails(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    urls = four_page_chain(tmp_path)
    repeated = file_for_url(tmp_path, urls[1]).read_text(encoding="utf-8")
    repeated = repeated.replace(token_of(urls[2]), token_of(urls[3]))
    file_for_url(tmp_path, urls[2]).write_text(repeated, encoding="utf-8")
    with pytest.raises(CollectError, match="repeats an earlier page of the same query"):
        collect_cs_lg(tmp_path, serve, store)


def test_a_harvest_that_stops_before_its_announced_size_fails(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    urls = four_page_chain(tmp_path)
    last = file_for_url(tmp_path, urls[-1]).read_text(encoding="utf-8")
    size = int(last.split('completeListSize="', 1)[1].split('"', 1)[0])
    edit(tmp_path, urls[-1], f'completeListSize="{size}"', f'completeListSize="{size + 5}"')
    with pytest.raises(CollectError, match=rf"stopped early, {size} of the {size + 5} records"):
        collect_cs_lg(tmp_path, serve, store)


def test_an_empty_year_is_no_records_match_and_not_an_empty_success(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    harvests = write_oai_year(tmp_path, YEAR, [], page_size=5)
    assert all(h.records == () for h in harvests.values())
    with pytest.raises(CollectError, match=r"arXiv 2019: the listing pages .* list no paper"):
        run_collect(tmp_path, serve, store)


@pytest.mark.parametrize(
    ("code", "page", "message"),
    [
        ("badResumptionToken", 2, "badResumptionToken (tokens expire daily): restart the harvest"),
        ("noRecordsMatch", 2, "noRecordsMatch answered a resumptionToken: the list ended early"),
        ("badArgument", 0, "OAI-PMH error badArgument: Illegal arguments"),
    ],
)
def test_oai_error_answers_are_read_by_their_meaning(
    tmp_path: Path, serve: Serve, store: Store, code: str, page: int, message: str
) -> None:
    urls = four_page_chain(tmp_path)
    write_oai_error(tmp_path, urls[page], code, "Illegal arguments")
    with pytest.raises(CollectError) as info:
        collect_cs_lg(tmp_path, serve, store)
    assert str(info.value) == f"listing {urls[page]}: {message}"


def test_code_urls_come_from_comments_and_abstract() -> None:
    assert code_urls(
        "Code: https://github.com/a/b. Mirror at gitlab.com/c/d), see https://x.github.io/e",
        "We release it (https://www.GitHub.com/a/b) and at bitbucket.org/f/g.git; github.com",
    ) == (
        "https://github.com/a/b",
        "https://gitlab.com/c/d",
        "https://bitbucket.org/f/g.git",
    )
