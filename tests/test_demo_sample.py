"""The generated sample and CVF listings: real structure, known content, declared breakage."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pypdfium2 as pdfium
import pytest
from bs4 import BeautifulSoup, Tag

from fwcensus.demo.papertext import Usage, make_authors, make_paper, make_topic, paper_text
from fwcensus.demo.pdfgen import render_paper_pdf
from fwcensus.demo.sample import BROKEN_KINDS, Sample, TruthPaper, build_sample
from fwcensus.demo.sites.cvf_site import CvfEntry, make_slug, write_cvf_year
from fwcensus.mirror.urls import file_for_url
from fwcensus.sources.cvf_years import BASE_URL, listing_urls

from facts import study_list
from study2019 import build_cvpr2019_mirror


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    return build_sample(tmp_path_factory.mktemp("sample"))


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_bounded() for page in document)
    finally:
        document.close()


def soup_of(root: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup(file_for_url(root, url).read_text(encoding="utf-8"), "html.parser")


def listed(root: Path, url: str) -> Iterator[tuple[Tag, Tag, Tag]]:
    """(dt.ptitle, authors dd, links dd) of every entry on one listing page."""
    for dt in soup_of(root, url).select("dl > dt.ptitle"):
        authors = dt.find_next_sibling("dd")
        yield dt, authors, authors.find_next_sibling("dd")


def papers_of(sample: Sample, venue: str, year: int) -> list[TruthPaper]:
    return [p for p in sample.papers if (p.venue, p.year) == (venue, year)]


def mirror_files(root: Path) -> dict[str, bytes]:
    return {str(f.relative_to(root)): f.read_bytes() for f in root.rglob("*") if f.is_file()}


# --- the sample as a whole ---------------------------------------------------------------


def test_same_seed_gives_identical_files_and_another_seed_does_not(
    sample: Sample, tmp_path: Path
) -> None:
    again = build_sample(tmp_path / "again")
    assert mirror_files(again.mirror_dir) == mirror_files(sample.mirror_dir)
    assert again.truth_path.read_bytes() == sample.truth_path.read_bytes()
    other = build_sample(tmp_path / "other", seed=7)
    assert [p.title for p in other.papers] != [p.title for p in sample.papers]


def test_truth_lists_two_venues_three_years_and_each_breakage_once(sample: Sample) -> None:
    truth = json.loads(sample.truth_path.read_text(encoding="utf-8"))
    assert truth["seed"] == 2019
    assert [(v["venue"], v["year"]) for v in truth["venues"]] == [
        (venue, year) for venue in ("CVPR", "ICCV") for year in (2019, 2021, 2023)
    ]
    for venue_year in truth["venues"]:
        count = len(papers_of(sample, venue_year["venue"], venue_year["year"]))
        assert 15 <= count <= 25 and venue_year["papers"] == count
    assert sorted(p.broken for p in sample.papers if p.broken) == sorted(BROKEN_KINDS)
    expected = {
        None: ("fetched", "ok"),
        "truncated": ("failed", None),
        "scanned": ("fetched", "no-text"),
        "html": ("failed", None),
        "missing": ("failed", None),
        "empty": ("failed", None),
    }
    for paper in sample.papers:
        assert (paper.expect_fetch, paper.expect_text) == expected[paper.broken]


def test_framework_use_follows_the_real_trend(sample: Sample) -> None:
    def share(year: int, framework: str) -> float:
        papers = [p for p in sample.papers if p.year == year]
        pytorch = sum("pytorch" in p.used for p in papers)
        tensorflow = sum("tensorflow" in p.used for p in papers)
        return (pytorch if framework == "pytorch" else tensorflow) / (pytorch + tensorflow)

    assert share(2019, "pytorch") < share(2021, "pytorch") < share(2023, "pytorch")
    assert share(2019, "tensorflow") > share(2021, "tensorflow") > share(2023, "tensorflow")
    used = Counter(fw for p in sample.papers for fw in p.used)
    assert all(used[fw] >= 1 for fw in ("caffe", "torch7", "mxnet", "jax", "keras"))
    assert any(p.used == () for p in sample.papers)
    assert any({"pytorch", "tensorflow"} <= set(p.used) for p in sample.papers)
    assert any(p.mentioned for p in sample.papers) and any(p.cited for p in sample.papers)


# --- PDFs --------------------------------------------------------------------------------


def test_every_pdf_url_is_where_the_mirror_rule_puts_it(sample: Sample) -> None:
    for paper in sample.papers:
        file = file_for_url(sample.mirror_dir, paper.pdf_url)
        assert file.exists() == (paper.broken != "missing"), paper.pdf_url
        folder = "content_CVPR_2019" if paper.year == 2019 else f"content/CVPR{paper.year}"
        assert paper.pdf_url.startswith(f"{BASE_URL}/{folder.replace('CVPR', paper.venue)}/papers/")
        assert paper.pdf_url.endswith(f"_{paper.venue}_{paper.year}_paper.pdf")


def test_pdf_text_names_pytorch_and_tensorflow_exactly_when_truth_says(sample: Sample) -> None:
    readable = [p for p in sample.papers if p.broken is None]
    for paper in readable:
        text = pdf_text(file_for_url(sample.mirror_dir, paper.pdf_url).read_bytes()).lower()
        assert paper.title.lower()[:30] in text.replace("\n", " ")
        assert ("pytorch" in text) == paper.names_pytorch, paper.title
        assert ("tensorflow" in text) == paper.names_tensorflow, paper.title
        roles = {*paper.used, *paper.mentioned, *paper.cited}
        # Every role spells PyTorch out; TensorFlow users may write only "TF 2.4".
        assert paper.names_pytorch == ("pytorch" in roles)
        assert not paper.names_tensorflow or "tensorflow" in roles
    assert Counter(p.names_pytorch for p in readable).keys() == {True, False}
    assert Counter(p.names_tensorflow for p in readable).keys() == {True, False}


def test_torch7_and_tf_spellings_do_not_contain_the_2019_substrings() -> None:
    seen: set[str] = set()
    for seed in range(60):
        rng = random.Random(seed)
        topic = make_topic(rng, 2021)
        doc = make_paper(rng, Usage(used=("tensorflow",)), 2021, topic, "T", make_authors(rng))
        experiments = dict(doc.sections)["Experiments"][1]
        if "We use TF " in experiments:
            seen.add("tf")
            assert "tensorflow" not in experiments.lower()
        rng = random.Random(seed)
        doc = make_paper(rng, Usage(used=("torch7",)), 2019, topic, "T", make_authors(rng))
        assert "pytorch" not in paper_text(doc).lower()
        assert "torch" in dict(doc.sections)["Experiments"][1].lower()
    assert seen == {"tf"}


def test_scanned_pdf_opens_but_has_no_text(sample: Sample) -> None:
    [scanned] = [p for p in sample.papers if p.broken == "scanned"]
    document = pdfium.PdfDocument(file_for_url(sample.mirror_dir, scanned.pdf_url).read_bytes())
    assert len(document) >= 1
    assert all(page.get_textpage().get_text_bounded().strip() == "" for page in document)
    document.close()


def test_broken_files_are_broken_as_declared(sample: Sample) -> None:
    files = {p.broken: file_for_url(sample.mirror_dir, p.pdf_url) for p in sample.papers}
    truncated = files["truncated"].read_bytes()
    assert truncated.startswith(b"%PDF-") and b"%%EOF" not in truncated
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(truncated)
    assert files["html"].read_bytes().lstrip().lower().startswith(b"<!doctype html")
    assert not files["missing"].exists()
    assert files["empty"].stat().st_size == 0


def test_pdf_renderer_prints_footnotes_references_and_page_numbers() -> None:
    rng = random.Random(1)
    doc = make_paper(rng, Usage(cited=("jax",)), 2023, make_topic(rng, 2023), "T", ["A B"])
    doc.footnotes = ["Equal contribution."]
    text = pdf_text(render_paper_pdf(doc))
    assert "1 Equal contribution." in text
    assert "JAX: composable transformations" in text
    assert re.search(r"^\[1\] ", text, flags=re.MULTILINE)
    assert re.search(r"^2\s*$", text, flags=re.MULTILINE)  # the second page's number


# --- listing markup ----------------------------------------------------------------------


def test_2019_day_pages_use_the_pre_2021_markup(sample: Sample) -> None:
    for venue, days in (("CVPR", 3), ("ICCV", 4)):
        urls = listing_urls(venue, 2019)
        assert len(urls) == days
        entries = [entry for url in urls for entry in listed(sample.mirror_dir, url)]
        truth = papers_of(sample, venue, 2019)
        assert len(entries) == len(truth)
        pdf_urls = []
        for url in urls:
            for dt, authors, links in listed(sample.mirror_dir, url):
                assert dt.a["href"].startswith(f"content_{venue}_2019/html/")
                values = [i["value"] for i in authors.select('form.authsearch input[name="query"]')]
                assert values[0] == values[0].strip()
                assert all(v.startswith(" ") and v[1:] == v[1:].strip() for v in values[1:])
                assert authors.form["action"] == f"./{venue}2019_search.py"
                bibref = links.select_one("div.link2 > div.bibref")
                assert bibref["class"] == ["bibref"] and len(bibref.find_all("br")) >= 5
                pdf_urls.append(urljoin(url, links.find("a", string="pdf")["href"]))
        assert pdf_urls == [p.pdf_url for p in truth]


@pytest.mark.parametrize("year", [2021, 2023])
def test_day_all_pages_use_the_2021_markup(sample: Sample, year: int) -> None:
    for venue in ("CVPR", "ICCV"):
        [url] = listing_urls(venue, year)
        page = soup_of(sample.mirror_dir, url)
        first_dd = page.select_one("#content > dl > dd")
        assert first_dd.a.get_text() == "Back"
        entries = list(listed(sample.mirror_dir, url))
        truth = papers_of(sample, venue, year)
        assert [dt.get_text() for dt, _, _ in entries] == [p.title for p in truth]
        for (dt, authors, links), paper in zip(entries, truth, strict=True):
            assert dt.a["href"].startswith(f"/content/{venue}{year}/html/")
            values = [i["value"] for i in authors.select('input[name="query_author"]')]
            assert tuple(values) == paper.authors
            bibref = links.select_one("div.link2 > div.bibref.pre-white-space")
            assert "\n    title     = {" in bibref.get_text()
            assert urljoin(url, links.find("a", string="pdf")["href"]) == paper.pdf_url


def test_landing_pages_link_their_day_pages_or_all_papers(sample: Sample) -> None:
    for venue in ("CVPR", "ICCV"):
        for year in (2019, 2021, 2023):
            landing = f"{BASE_URL}/{venue}{year}"
            links = soup_of(sample.mirror_dir, landing).select("#content dd a")
            assert [urljoin(landing, a["href"]) for a in links] == listing_urls(venue, year)
            if year >= 2021:
                assert [a.get_text() for a in links] == ["All Papers"]


def test_titles_with_ampersand_and_angle_bracket_are_escaped(sample: Sample) -> None:
    tricky = [p for p in sample.papers if "&" in p.title and "<" in p.title]
    assert {p.year for p in tricky} >= {2019, 2023}  # one per markup era
    for paper in tricky:
        pages = [file_for_url(sample.mirror_dir, u) for u in listing_urls(paper.venue, paper.year)]
        raw = "".join(page.read_text(encoding="utf-8") for page in pages)
        escaped = paper.title.replace("&", "&amp;").replace("<", "&lt;")
        assert f">{escaped}</a></dt>" in raw and f">{paper.title}<" not in raw
        titles = [dt.get_text() for u in listing_urls(paper.venue, paper.year)
                  for dt, _, _ in listed(sample.mirror_dir, u)]  # fmt: skip
        assert paper.title in titles


@pytest.mark.parametrize(
    ("venue", "year", "last", "title", "slug"),
    [
        ("CVPR", 2015, "Szegedy", "Going Deeper With Convolutions",
         "Szegedy_Going_Deeper_With_2015_CVPR_paper"),
        ("CVPR", 2016, "Hendricks", "Deep Compositional Captioning: Describing Novel Object",
         "Hendricks_Deep_Compositional_Captioning_CVPR_2016_paper"),
        ("CVPR", 2019, "Li",
         "Finding Task-Relevant Features for Few-Shot Learning by Category Traversal",
         "Li_Finding_Task-Relevant_Features_for_Few-Shot_Learning_by_Category_Traversal_CVPR_2019_paper"),
        ("CVPR", 2019, "Zhou",
         "Dense 3D Face Decoding Over 2500FPS: Joint Texture & Shape Convolutional Mesh Decoders",
         "Zhou_Dense_3D_Face_Decoding_Over_2500FPS_Joint_Texture__Shape_CVPR_2019_paper"),
        ("CVPR", 2019, "Schöps", "BAD SLAM: Bundle Adjusted Direct RGB-D SLAM",
         "Schops_BAD_SLAM_Bundle_Adjusted_Direct_RGB-D_SLAM_CVPR_2019_paper"),
        ("ICCV", 2019, "Xie", "Multispectral and Hyperspectral Image Fusion by MS/HS Fusion Net",
         "Xie_Multispectral_and_Hyperspectral_Image_Fusion_by_MSHS_Fusion_Net_ICCV_2019_paper"),
    ],
)  # fmt: skip
def test_slugs_follow_the_real_naming(
    venue: str, year: int, last: str, title: str, slug: str
) -> None:
    assert make_slug(venue, year, last, title) == slug


def test_pre_2019_folders_are_lowercase_and_iccv_2017_is_not(tmp_path: Path) -> None:
    def pdf_url(venue: str, year: int) -> str:
        entry = CvfEntry("T", ("A B",), make_slug(venue, year, "B", "T"))
        return write_cvf_year(tmp_path, venue, year, [entry])[0]

    assert "/content_cvpr_2013/papers/B_T_2013_CVPR_paper.pdf" in pdf_url("CVPR", 2013)
    assert "/content_cvpr_2018/papers/" in pdf_url("CVPR", 2018)
    assert "/content_iccv_2015/papers/" in pdf_url("ICCV", 2015)
    assert "/content_ICCV_2017/papers/" in pdf_url("ICCV", 2017)
    assert "/content_CVPR_2020/papers/" in pdf_url("CVPR", 2020)


# --- the full-size CVPR 2019 listing ------------------------------------------------------


def test_full_size_cvpr_2019_listing_has_three_day_pages_with_all_1294_papers(
    tmp_path: Path,
) -> None:
    expected = build_cvpr2019_mirror(tmp_path, with_pdfs=False)
    assert len(expected) == study_list("cvpr_2019").papers == 1294
    urls = listing_urls("CVPR", 2019)
    per_day = [list(listed(tmp_path, url)) for url in urls]
    assert [len(day) for day in per_day] == [432, 431, 431]
    found = [
        (dt.get_text(), urljoin(url, links.find("a", string="pdf")["href"]))
        for url, day in zip(urls, per_day, strict=True)
        for dt, _, links in day
    ]
    assert found == expected
    assert all(url.startswith(f"{BASE_URL}/content_CVPR_2019/papers/") for _, url in found)
    assert not list(tmp_path.rglob("*.pdf"))
