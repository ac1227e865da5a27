"""The recorded ACL Anthology files (shared fixtures-real/acl-anthology) read as they are."""

from __future__ import annotations

import pytest

from fwcensus.sources.acl_anthology import (
    AclAnthologySource,
    Proceedings,
    collection_url,
    proceedings,
)
from fwcensus.sources.base import ListingError, ListingPage, ListingRequest

from recorded.material import shared_dir


def parse(part: Proceedings, name: str, venue: str, year: int) -> ListingPage:
    body = (shared_dir() / "fixtures-real/acl-anthology/data/xml" / name).read_bytes()
    request = ListingRequest(part.url, venue, year, meta={"proceedings": part})
    return AclAnthologySource().parse(request, body, part.url)


def test_recorded_naacl_2019_file_gives_its_papers() -> None:
    page = parse(Proceedings("N19", ("1",)), "N19.trimmed.xml", "NAACL", 2019)
    assert [p.source_id for p in page.papers] == [f"N19-100{n}" for n in range(1, 6)]
    first, second = page.papers[:2]
    assert first.title == (
        "Entity Recognition at First Sight: Improving NER with Eye Movement Information"
    )
    assert first.authors == ("Nora Hollenstein", "Ce Zhang")
    assert first.pdf_url == "https://aclanthology.org/N19-1001.pdf"
    assert first.page_url == "https://aclanthology.org/N19-1001/"
    assert first.doi == "10.18653/v1/N19-1001"
    assert first.code_urls == ("https://github.com/DS3Lab/ner-at-first-sight",)
    assert second.title == "The emergence of number and syntax units in LSTM language models"
    assert len(second.authors) == 6 and first.track == "main" and first.arxiv_id is None
    assert page.papers[2].code_urls == ()  # a dataset link is not code


def test_recorded_acl_2024_file_gives_its_papers_at_their_latest_revision() -> None:
    page = parse(Proceedings("2024.acl", ("long",)), "2024.acl.trimmed.xml", "ACL", 2024)
    assert [p.source_id for p in page.papers] == [f"2024.acl-long.{n}" for n in (1, 2, 3)]
    mage = page.papers[2]
    assert mage.title == "MAGE: Machine-generated Text Detection in the Wild"
    assert mage.pdf_url == "https://aclanthology.org/2024.acl-long.3.pdf"  # v2, unsuffixed
    assert mage.authors[0] == "Yafu Li" and len(mage.authors) == 9  # affiliations left out
    assert page.papers[0].doi == "10.18653/v1/2024.acl-long.1"


def test_a_trimmed_real_file_lacks_the_short_volume_and_says_so() -> None:
    with pytest.raises(ListingError) as info:
        parse(proceedings("ACL", 2024)[0], "2024.acl.trimmed.xml", "ACL", 2024)
    message = str(info.value)
    assert message.startswith(collection_url("2024.acl")) and "\n" not in message
    assert "no <volume id='short'> (2024.acl-short)" in message
