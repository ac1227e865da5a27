"""The real NeurIPS PDF URLs that the shared PROVENANCE.md quotes follow the PDF rule."""

from __future__ import annotations

import re

from fwcensus.sources.neurips import pdf_url_for

from recorded.material import shared_dir


def test_real_pdf_examples_follow_the_rule() -> None:
    provenance = (shared_dir() / "fixtures-real/neurips/PROVENANCE.md").read_text(encoding="utf-8")
    examples = re.findall(
        r"https://papers\.nips\.cc/paper_files/paper/\d{4}/file/\S+?\.pdf", provenance
    )
    assert len(examples) >= 2
    for example in examples:
        abstract = example.replace("/file/", "/hash/").replace("-Paper", "-Abstract")
        assert pdf_url_for(abstract.removesuffix(".pdf") + ".html") == example
