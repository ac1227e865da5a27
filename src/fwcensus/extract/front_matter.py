"""Authors, affiliations and e-mail addresses from a paper's first page.

Used where the listing gives no authors (``fwcensus inspect``, arXiv) and, always, for the
affiliations and e-mail domains no listing gives: they tell whether a code link's owner is one of
the authors or their organisation. The front matter is the title and the authors' block the
extract stage's sections mark (``TITLE``, ``FRONT``) on page 1, plus the first page's footnotes
for affiliations and e-mails ("1Google DeepMind", "(email: {a, b}@iisc.ac.in)").

Layouts differ: names separated by commas, "and" or only by their affiliation marks
("Keji He1,2 Yan Huang1,2"), one author per line with the affiliation below, names in capitals
(ACM), superscript marks on lines of their own. A line counts as names only when every part of it
looks like a person's name: title words continuing a long title ("Unified Vision-Language
Understanding and Generation"), places and organisations are not names. A first page on which no
name is recognised gives no authors and says why, rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from fwcensus.extract.footnotes import SYMBOLS
from fwcensus.models import Section, SectionKind

MAX_FRONT_LINES = 40
# A line this long with this many lowercase words is running text (an abstract without heading).
PROSE_CHARS = 110
PROSE_LOWER_WORDS = 8

# Affiliation marks: footnote symbols, numbers and, in some templates, Greek letters.
_AFFILIATION_MARKS = SYMBOLS + "\u03b1-\u03c9"
_GROUPED_EMAIL = re.compile(r"[{(]([^{}()@]{1,400})[})]\s*@\s*([\w-]+(?:\.[\w-]+)+)")
# Possessive: the local part is all of a token or none (tried from every letter otherwise).
_EMAIL = re.compile(r"[\w.+-]++@[\w-]+(?:\.[\w-]+)+")
_MARK = rf"(?:\d{{1,2}}|[{_AFFILIATION_MARKS}])"
_MARKS = re.compile(rf"{_MARK}(?:\s*,\s*{_MARK})*")
# Tokens that are no one's name or organisation: addresses and links.
_ADDRESS = re.compile(r"\S*@\S*|\S*(?:https?://|www\.)\S*")
_SEPARATORS = re.compile(r"\s*(?:[|,;&\u00b7\u2022]|\band\b|\s{2,})\s*")
_INITIALS = re.compile(r"(?:[A-Z]\.)+(?:-[A-Z]\.)?")
_WORD = re.compile(r"[^\W\d_][^\W\d_'\u2019.-]*(?:[-'\u2019][^\W\d_]+)*")
_PARTICLES = frozenset(
    {"de", "van", "von", "der", "den", "da", "di", "du", "la", "le", "del", "della", "dos", "das",
     "bin", "ben", "al", "el", "ter", "zu", "y"}
)  # fmt: skip
_FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "of", "for", "with", "in", "on", "at", "to", "via", "from", "by", "using",
     "towards", "toward", "through", "beyond", "without", "is", "are", "as", "or", "into", "over"}
)  # fmt: skip
# Words of paper titles (whose continuation lines look like names by their capitals).
_TITLE_WORDS = frozenset(
    {"learning", "deep", "neural", "network", "networks", "model", "models", "language",
     "languages", "vision", "visual", "image", "images", "video", "data", "dataset", "datasets",
     "training", "efficient", "large", "small", "scale", "scaling", "fast", "robust",
     "understanding", "generation", "representation", "representations", "attention", "transformer",
     "transformers", "reinforcement", "supervised", "unsupervised", "semantic", "segmentation",
     "detection", "recognition", "graph", "graphs", "knowledge", "benchmark", "benchmarks",
     "adaptation", "optimization", "optimal", "generative", "adversarial", "foundation",
     "prediction", "predictive", "analysis", "analytics", "machine", "machines", "system",
     "systems", "framework", "frameworks", "method", "methods", "approach", "algorithm",
     "algorithms", "inference", "estimation", "computation", "automatic", "sharding", "retrieval",
     "reasoning", "search", "embedding", "embeddings", "speech", "audio", "text", "textual",
     "multimodal", "modal", "unified", "general", "generalization", "zero", "few", "shot", "self",
     "agents", "agent", "policy", "control", "safe", "planning", "task", "tasks", "tuning", "fine",
     "instruction", "alignment", "memory", "sparse", "dense", "dynamic", "dynamics", "conditional",
     "diffusion", "survey", "study", "towards", "modeling", "modelling", "convolutional",
     "recurrent", "sequence", "sequences", "generating", "document", "documents", "identifiers",
     "summarization", "summaries", "translation", "question", "answering", "classification",
     "regression", "clustering", "compression", "distillation", "pruning", "quantization",
     "hierarchical", "contrastive", "pretraining", "pre-training", "bootstrapping", "supervision",
     "navigation", "grained", "multi", "cross", "domain", "transfer", "online", "offline",
     "distributed", "parallel", "federated", "privacy", "secure", "security", "interpretable",
     "explainable", "causal", "probabilistic", "bayesian", "stochastic", "gradient", "descent",
     "autoregressive", "property", "quantum", "molecular",
     "solution", "challenge", "real", "world", "time", "series", "information"}
)  # fmt: skip
_ORG_WORDS = re.compile(
    r"universit|institut|college|school|department|\bdept\b|faculty|laborator|\blabs?\b"
    r"|research|\bcent(?:er|re)\b|academy|\binc\b|\bcorp|company|\bltd\b|\bllc\b|gmbh"
    r"|\bgroup\b|\bteam\b|\bAI\b|hospital|foundation|technolog|polytechni|ecole|\bETH\b"
    r"|google|deepmind|openai|microsoft|facebook|\bmeta\b|amazon|apple|nvidia|\bibm\b|intel\b"
    r"|baidu|alibaba|tencent|huawei|bytedance|samsung|salesforce|adobe|twitter|\buber\b|sony"
    r"|naver|megvii|sensetime|anthropic|deepseek|hochschule|technische|\bscien",
    re.I,
)
_LEADING_MARK = re.compile(rf"^\s*{_MARK}\s*(?=[^\W\d_])")
_TRAILING_MARKS = re.compile(rf"(?:\s*(?:(?<!\d)\d{{1,2}}|[{_AFFILIATION_MARKS}]))+\s*$")
_SPLIT_AFFILIATIONS = re.compile(rf"\s+(?={_MARK}\s*[A-Z])")
# Where an organisation's name ends inside a footnote's sentence ("Work done at Acme Research").
_CLAUSES = re.compile(r"[,;.()]|\s(?:and|at|with|is|are|was|were|by|while|now)\s")
MAX_ORG_WORDS = 6


@dataclass(frozen=True)
class FrontMatter:
    title: str  # as printed on page 1 ("" when sections found none)
    authors: tuple[str, ...]
    affiliations: tuple[str, ...]
    emails: tuple[str, ...]
    reason: str | None = None  # why no author was recognised


def read_front_matter(pages: Sequence[str], sections: Sequence[Section]) -> FrontMatter:
    """What the first page says about who wrote the paper (``reason`` says why no authors)."""
    first = pages[0] if pages else ""
    title = " ".join(filter(None, _span_lines(first, sections, (SectionKind.TITLE,))))
    lines = list(_front_lines(first, sections))
    emails = tuple(dict.fromkeys(_emails(first)))
    authors: list[str] = []
    affiliations: list[str] = []
    for line, from_title in lines:
        names, orgs = _read_line(_ADDRESS.sub(" ", _GROUPED_EMAIL.sub(" ", line)), from_title)
        authors += names
        affiliations += orgs
    for line in _span_lines(first, sections, (SectionKind.FOOTNOTE,)):
        affiliations += _organisations(_ADDRESS.sub(" ", line))
    reason = None
    if not lines:
        reason = "the first page has no title and authors' block (it opens with its abstract)"
    elif not authors:
        reason = "no author names recognised in the first page's front matter"
    return FrontMatter(
        title,
        tuple(dict.fromkeys(authors)),
        tuple(dict.fromkeys(affiliations)),
        emails,
        reason,
    )


def _span_lines(
    text: str, sections: Sequence[Section], kinds: tuple[SectionKind, ...]
) -> Iterator[str]:
    for section in sections:
        if section.page == 1 and section.kind in kinds:
            yield from (line.strip() for line in text[section.start : section.end].split("\n"))


def _front_lines(text: str, sections: Sequence[Section]) -> Iterator[tuple[str, bool]]:
    """``(line, from the title)``: the authors' block up to running text; title lines only
    when they carry author marks (a title found where the authors stand)."""
    for line in _span_lines(text, sections, (SectionKind.TITLE,)):
        if line and _MARKS.search(line):
            yield line, True
    for count, line in enumerate(_span_lines(text, sections, (SectionKind.FRONT,)), 1):
        lower = sum(1 for word in line.split() if word[:1].islower())
        if count > MAX_FRONT_LINES or (len(line) > PROSE_CHARS and lower >= PROSE_LOWER_WORDS):
            return
        if line:
            yield line, False


def _emails(text: str) -> Iterator[str]:
    """Every address, the grouped forms ("{a, b}@x.org", "(a,b)@x.org") expanded."""
    if "@" not in text:
        return
    for match in _GROUPED_EMAIL.finditer(text):
        for local in re.split(r"[,;|\s]+", match.group(1)):
            if re.fullmatch(r"[\w.+-]+", local):
                yield f"{local}@{match.group(2)}".casefold()
    for match in _EMAIL.finditer(_GROUPED_EMAIL.sub(" ", text)):
        yield match.group(0).rstrip(".").casefold()


def _read_line(line: str, from_title: bool) -> tuple[list[str], list[str]]:
    """``(names, affiliations)`` printed on one line of the front matter."""
    marked = _LEADING_MARK.match(line) and not from_title
    if _ORG_WORDS.search(line) or marked:
        # ACM prints "TAL AUGUST, University of Washington, USA": a name, then where.
        segments = _segments(line)
        if (
            not marked
            and len(segments) > 1
            and not _ORG_WORDS.search(segments[0])
            and _ORG_WORDS.search(segments[1])
        ):
            return _names(segments[0]), _affiliations(", ".join(segments[1:]))
        return [], _affiliations(line)
    names = _names(line)
    if names:
        return names, []
    words = _WORD.findall(line)
    alone = len(words) == 1 and _TRAILING_MARKS.sub("", line).strip() == words[0]
    if alone and len(words[0]) > 2 and _name_token(words[0], True):
        return [], [words[0]]  # a word alone under a name: "Google", "Landskape"
    return [], []


def _segments(line: str) -> list[str]:
    """A line cut at marks, commas, "and" and wide gaps."""
    return [s for s in _SEPARATORS.split(_MARKS.sub("|", line)) if s.strip()]


def _affiliations(line: str) -> list[str]:
    """A line of affiliations, split at their marks ("1Sapienza University 2Meta AI")."""
    parts = _SPLIT_AFFILIATIONS.split(line.strip())
    cleaned = [_TRAILING_MARKS.sub("", _LEADING_MARK.sub("", part)).strip(" ,;.") for part in parts]
    return [re.sub(r"^and\s+", "", part) for part in cleaned if part]


def _organisations(sentence: str) -> list[str]:
    """Organisations named in a first-page footnote ("Work done at Facebook AI Research")."""
    return [
        clause
        for part in _CLAUSES.split(sentence)
        if (clause := _TRAILING_MARKS.sub("", _LEADING_MARK.sub("", part.strip())).strip())
        and clause[0].isupper()
        and len(clause.split()) <= MAX_ORG_WORDS
        and _ORG_WORDS.search(clause)
    ]


def _names(line: str) -> list[str]:
    """The person names on a line, or none when any part of it is not a name."""
    names: list[str] = []
    for segment in _segments(line):
        tokens = segment.split()
        if len(tokens) < 2 or not all(_name_token(t, segment.isupper()) for t in tokens):
            return []
        names += _split_run(tokens)
    return names


def _name_token(token: str, capitals: bool) -> bool:
    if _INITIALS.fullmatch(token):
        return True
    if token in _PARTICLES:
        return True  # lower case only: "Quoc V. Le" ends with a surname
    lowered = token.casefold()
    if lowered in _FUNCTION_WORDS or any(p in _TITLE_WORDS for p in lowered.split("-")):
        return False
    if not _WORD.fullmatch(token) or not token[0].isupper():
        return False
    return capitals or not token.isupper()  # "TAL AUGUST" only on a line in capitals


def _split_run(tokens: list[str]) -> list[str]:
    """Names written one after another with nothing between them: given name, initials,
    surname ("Jason Wei Xuezhi Wang", "Ed H. Chi Quoc V. Le"); three words or fewer are one
    name ("Li Kevin Wenliang")."""
    words = [t for t in tokens if not _INITIALS.fullmatch(t) and t not in _PARTICLES]
    if len(words) <= 3:
        return [_display(tokens)]
    names: list[list[str]] = []
    current: list[str] = []
    for token in tokens:
        current.append(token)
        core = [t for t in current if not _INITIALS.fullmatch(t) and t not in _PARTICLES]
        if len(core) == 2:
            names.append(current)
            current = []
    if current and names:
        names[-1] += current  # an odd word out joins the last name
    return [_display(name) for name in names]


def _display(tokens: list[str]) -> str:
    """A name as people write it: "TAL AUGUST" becomes "Tal August"."""
    return " ".join(t.capitalize() if t.isupper() and len(t) > 1 and "." not in t else t
                    for t in tokens)  # fmt: skip
