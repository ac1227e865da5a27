"""Records that cross stage boundaries.

Each stage reads these from the store and writes them back; nothing else travels between stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class Record(Protocol):
    """A row read by column name: a dict, or a ``sqlite3.Row`` as the store hands it out (the
    report reads millions of them and never copies one into a dict)."""

    def __getitem__(self, key: str, /) -> Any: ...


class DocStatus(StrEnum):
    PENDING = "pending"
    FETCHED = "fetched"
    FAILED = "failed"
    SKIPPED = "skipped"


class TextStatus(StrEnum):
    OK = "ok"
    NO_TEXT = "no-text"  # a PDF without a text layer (scanned): not an empty success
    FAILED = "failed"


class Role(StrEnum):
    USED = "used"
    MENTIONED = "mentioned"
    CITED = "cited"


@dataclass(frozen=True)
class Paper:
    """One accepted paper as its venue lists it."""

    source: str  # module under sources/, e.g. "cvf"
    source_id: str  # stable within the source; (source, source_id) is the paper's key
    venue: str  # "CVPR"
    year: int
    title: str
    authors: tuple[str, ...]
    pdf_url: str | None  # None: the listing gives no PDF; the paper is kept and marked
    page_url: str | None = None
    arxiv_id: str | None = None  # bare id without version, e.g. "2306.09348"
    doi: str | None = None
    track: str = "main"  # "main", or a track counted apart: "findings", "datasets-benchmarks"
    presentation: str | None = None  # "oral", "spotlight", "poster" where the venue says
    code_urls: tuple[str, ...] = ()  # code links the source itself gives


@dataclass(frozen=True)
class IdentityRow:
    """What cross-source identity reads of a paper."""

    paper_id: int
    source: str
    arxiv_id: str | None
    doi: str | None
    title: str
    first_author: str | None


@dataclass(frozen=True)
class Link:
    """Two papers found to be versions of one work, and the rule that found it."""

    paper_id: int
    linked_id: int
    rule: str  # "arxiv-id" | "doi" | "title+first-author"


@dataclass(frozen=True)
class Selection:
    """Which venue-years a stage works on; empty means everything in the store."""

    venues: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Document:
    """A file to fetch for a paper (its PDF), with its fetch state."""

    id: int
    paper_id: int
    url: str
    status: DocStatus
    sha256: str | None = None
    size: int | None = None
    content_type: str | None = None
    final_url: str | None = None
    error: str | None = None
    attempts: int = 0
    last_status: int | None = None


@dataclass(frozen=True)
class FetchResult:
    """What the fetcher learnt about one document."""

    ok: bool
    sha256: str | None = None
    size: int | None = None
    content_type: str | None = None
    final_url: str | None = None
    error: str | None = None
    attempts: int = 1
    last_status: int | None = None


class SectionKind(StrEnum):
    TITLE = "title"
    FRONT = "front"  # authors, affiliations: between the title and the abstract
    ABSTRACT = "abstract"
    BODY = "body"
    FOOTNOTE = "footnote"
    ACKNOWLEDGEMENTS = "acknowledgements"
    REFERENCES = "references"
    APPENDIX = "appendix"  # appendices and supplementary material
    UNKNOWN = "unknown"  # text no rule could place: never guessed


@dataclass(frozen=True)
class Section:
    """A character span of one page's cleaned text and the section it belongs to."""

    kind: SectionKind
    label: str  # the heading as printed ("3.1 Setup"), or what found the span
    page: int  # 1-based
    start: int  # offsets into that page's cleaned text
    end: int


@dataclass(frozen=True)
class TextLink:
    """A URL printed in a paper or behind one of its link annotations."""

    url: str
    page: int  # 1-based
    source: str  # "text" | "annotation" | "both"
    section: SectionKind | None = None
    start: int | None = None  # offsets into the page's cleaned text, when printed there
    end: int | None = None
    code_host: str | None = None  # "github.com", "gitlab.com", "bitbucket.org", "huggingface.co"


@dataclass(frozen=True)
class ExtractedText:
    """Text of one PDF, page by page (index 0 is page 1), cleaned, with its sections and links.

    Every offset (sections, links, evidence) indexes ``pages`` as stored here.
    """

    status: TextStatus
    pages: tuple[str, ...] = ()
    error: str | None = None
    sections: tuple[Section, ...] = ()
    links: tuple[TextLink, ...] = ()


@dataclass(frozen=True)
class Evidence:
    page: int  # 1-based
    char_start: int  # offset within the page's text
    char_end: int
    snippet: str
    rule: str
    section: str | None = None
    via: str | None = None  # the library or cited work the framework was found through


@dataclass(frozen=True)
class Verdict:
    framework: str
    role: Role
    confidence: float
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)


class TwoFrameworkCounts:
    """Papers naming only one of the two, for a row counting ``pytorch`` and ``tensorflow``
    (each with or without the other) and ``both``."""

    pytorch: int
    tensorflow: int
    both: int

    @property
    def pytorch_only(self) -> int:
        return self.pytorch - self.both

    @property
    def tensorflow_only(self) -> int:
        return self.tensorflow - self.both


@dataclass(frozen=True)
class ShareRow(TwoFrameworkCounts):
    """Counts and the 2019 share for one venue-year under one detection method."""

    venue: str
    year: int
    track: str
    method: str
    listed: int
    fetched: int
    with_text: int
    pytorch: int  # papers naming PyTorch (with or without TensorFlow)
    tensorflow: int
    both: int
    neither: int
    share: float | None  # PyTorch / (PyTorch-only + TensorFlow-only); None when no paper names one
    ci_low: float | None
    ci_high: float | None
    source: str = "text"  # what "using" rests on: text, or combined (text or own code)

    @property
    def label(self) -> str:
        """The venue as charts and tables name it: "ACL", or "ACL findings" for a side track."""
        return self.venue if self.track == "main" else f"{self.venue} {self.track}"
