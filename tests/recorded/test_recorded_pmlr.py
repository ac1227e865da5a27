"""The recorded PMLR posts (shared fixtures-real/pmlr): the volume page the builder renders from
a post's fields gives the parser the post's PDF and page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fwcensus.mirror.urls import file_for_url
from fwcensus.sources.base import ListingRequest
from fwcensus.sources.pmlr import PmlrSource, volume_url

from recorded.material import shared_dir
from support.sites.pmlr_site import PmlrEntry, Render, write_pmlr_volume


@pytest.mark.parametrize(
    ("post", "year"),
    [
        ("mlresearch-v97/_posts/2019-05-24-abbasi-yadkori19a.md", 2019),
        ("mlresearch-v235/_posts/2024-07-08-abe24a.md", 2024),
    ],
)
def test_builder_and_parser_agree_with_the_recorded_real_posts(
    tmp_path: Path, post: str, year: int
) -> None:
    """The site renders each post's ``pdf`` as the entry's PDF link and its ``id`` as the page."""
    text = (shared_dir() / "fixtures-real/pmlr" / post).read_text(encoding="utf-8")
    field = dict(re.findall(r"^(id|pdf|title|volume|openreview): (.+)$", text, re.MULTILINE))
    title, volume = field["title"].strip("'"), field["volume"].strip("'")
    assert volume_url("ICML", year) == f"https://proceedings.mlr.press/v{volume}/"
    entry = PmlrEntry(field["id"], title, ("Ada Lovelace",), openreview=field.get("openreview"))
    (url,) = write_pmlr_volume(tmp_path, "ICML", year, [entry], Render.THEME_HTTP)
    assert url == "https://" + field["pdf"].split("://", 1)[1]
    page_url = volume_url("ICML", year)
    body = file_for_url(tmp_path, page_url).read_bytes()
    (paper,) = PmlrSource().parse(ListingRequest(page_url, "ICML", year), body, page_url).papers
    assert (paper.title, paper.pdf_url) == (title, url)
    assert paper.page_url == f"https://proceedings.mlr.press/v{volume}/{field['id']}.html"
