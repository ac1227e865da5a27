"""Find every place a page names a framework: by name, by name with a version, in code
(``import torch``, ``tf.keras``), in a URL (``github.com/pytorch/fairseq``), inside a library's
name (``mesh-transformer-jax``, ``JaxPruner``) or in small capitals that extract letter-spaced
(``P Y T ORCH``).

One compiled alternation per kind scans each page once; everything else in detection looks
only at the sentences these hits fall in, which keeps the method close to a plain regex scan.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from fwcensus.catalogue.frameworks import Catalogue, load_catalogue
from fwcensus.detect.page_keys import KeySet, PageKeys, Role
from fwcensus.detect.prefixes import prefixes, trie_pattern


class Kind(StrEnum):
    NAME = "name"
    VERSION = "version"  # the name followed by a version number: "PyTorch 1.7", "TF 2.4"
    CODE = "code"  # an import or an attribute of the module: "import torch", "torch.nn"
    URL = "url"
    RESOURCE = "resource"  # a URL of a framework's datasets catalogue, model hub or zoo
    CITATION = "citation"  # a citation whose bibliography entry names the framework


@dataclass(frozen=True)
class Mention:
    page: int  # 1-based
    start: int  # offsets within the page's text
    end: int
    framework: str  # catalogue id
    via: str | None  # the library named, when it is a library built on ``framework``
    kind: Kind
    until: int | None = None  # the alias names ``framework`` only in papers up to this year
    since: int | None = None  # ... only in papers from this year on


@dataclass(frozen=True)
class _Target:
    framework: str
    via: str | None
    versioned: bool = False
    until: int | None = None
    since: int | None = None


# Not inside a word or a hyphenated name ("mesh-transformer-jax", "Asyn-TF"); names inside a
# URL are dropped after the scan, so "python/theano" still counts.
_BEFORE = r"(?<![\w.@-])"
# A glued digit is a footnote mark ("TensorFlow5"), so only letters end a name early; a name
# followed by a top-level domain is part of an address ("pytorch.org").
_AFTER = r"(?![A-Za-z_])(?!\.(?:org|com|io|ai|ch|net|cn|edu)\b)"
_TLDS = r"org|com|io|ai|ch|net|cn|edu|readthedocs"
# "1.7", "v1.0", "2.x" after an optional space; a bare major version only after a space or
# glued to a short alias ("TF 2", "TF2"), never followed by more digits or a decimal point.
_VERSION = re.compile(
    r"[ -]?(?:v\.?\s?|version\s)?\d{1,2}(?:\.(?:\d{1,3}|x))+|(?: v?|v)?\d(?![\d.,]\d)(?![\w%])"
)
# How an address begins: a page without any of these holds none.
_URL_SCHEMES = ("https://", "http://", "www.")
_URL_HOSTS = ("github.com/", "gitlab.com/", "gitee.com/")
_URL = re.compile(
    "(?:"
    + "|".join(map(re.escape, _URL_SCHEMES))
    + r"|\b(?:"
    + "|".join(map(re.escape, _URL_HOSTS))
    + r"))[^\s<>\"')\]]+"
)
# Pages of a framework's site that offer data or trained models, not the framework.
_RESOURCE_PATH = re.compile(r"/(?:datasets?|hub|catalog|model[-_]?zoo)(?:[/?#.]|$)", re.I)
# Small capitals extract with a space after each full-size capital: "P Y T ORCH 2.1".
_SPACED_CAPS = re.compile(r"(?<![\w-])[A-Z]+(?:(?: | ?- ?)[A-Z]+)+(?![\w-])")
# Where an alias may begin, when nothing narrower is known: a word start, as _BEFORE requires.
_WORD_START = re.compile(r"(?<![\w.@-])[A-Za-z0-9]")
_AT_WORD_START = re.compile(_BEFORE)
_IMPORT = re.compile(r"\bimport\b")
# A library's name: word characters joined by hyphens, dots or a registered sign.
_TOKEN = re.compile(r"(?<![\w./@®-])[A-Za-z0-9](?:[A-Za-z0-9_]|[-.®]+(?=[A-Za-z0-9]))*")
# Lower-cases ASCII letters only, so offsets into the lowered text are offsets into the page.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_LONGEST_TOKEN = 120  # characters a library name may run past a stem in it
_END = sys.maxsize  # sorts after every span's end


@dataclass(frozen=True)
class Scanner:
    names: re.Pattern[str]  # every alias, longest first; group gN is name_targets[N]
    name_targets: tuple[_Target, ...]
    # The literal keys every page is searched for at once (page_keys.py), lower-cased: the
    # aliases' first letters (prefixes.py; none when an alias's beginning cannot be
    # enumerated, and then any word start is a candidate), the modules' names, the library
    # stems and how an address opens.
    keys: KeySet
    names_enumerated: bool
    # The first letters of each catalogue name in small capitals, up to its first space
    # ("P Y", "T ENSOR F"): a page without one has no letter-spaced name.
    spaced_keys: KeySet
    name_aliases: tuple[str, ...]  # as in name_targets
    # Per alias (as in name_targets), the lower-case beginnings it can match, None when any.
    name_prefixes: tuple[frozenset[str] | None, ...]
    code: re.Pattern[str]
    code_targets: dict[str, _Target]
    urls: tuple[tuple[str, _Target], ...]  # (lower-case prefix, target), longest first
    stems: tuple[tuple[str, _Target], ...]  # (lower-case stem, target), longest first
    # Stems that may be glued to a lower-case rest at the start of a name ("torchvision") and
    # that name libraries glued after another word ("GPyTorch"): the catalogue's
    # glued_compounds and suffix_compounds.
    glued_stems: frozenset[str]
    suffix_stems: frozenset[str]
    spelled: tuple[tuple[str, _Target], ...]  # (lower-case name without spaces, target)
    not_compounds: frozenset[str]
    # The alternation of only the aliases that can begin with a candidate's beginning, per
    # beginning, compiled when first met.
    _buckets: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def scan(self, page: int, text: str) -> list[Mention]:
        lowered = _lowered(text)
        keys = self.keys.find(lowered)
        found = [
            *self._names(page, text, self.name_candidates(lowered, keys)),
            *self._code(page, text, keys),
            *self._spaced(page, text),
        ]
        compounds, lookalikes = self._compounds(page, text, keys)
        found = _apart(found, lookalikes) + _apart(compounds, found)
        addresses = keys.starts[Role.URL]
        if addresses:  # no match can start before the first of them
            spans = [match.span() for match in _URL.finditer(text, min(addresses))]
            found = [m for m in found if not _inside(m.start, spans)]
            found += self._urls(page, text, spans)
        return sorted(found, key=lambda m: (m.start, m.end))

    def names_in(self, page: int, text: str) -> list[Mention]:
        """The aliases alone, as ``scan`` finds them (tests and benchmarks set this against
        the alternation of every alias tried at every character)."""
        lowered = _lowered(text)
        return self._names(page, text, self.name_candidates(lowered, self.keys.find(lowered)))

    def _names(self, page: int, text: str, candidates: Iterator[tuple[int, str]]) -> list[Mention]:
        """The aliases, tried only at the words whose first letters begin one: a page is
        read once for the candidates instead of by the alternation of every alias."""
        found = []
        taken = 0  # matches do not overlap: a word inside the last match is not tried
        for at, head in candidates:
            if at < taken:
                continue
            match = self._bucket(head).match(text, at)
            if match is None:
                continue
            taken = match.end()
            group = match.lastgroup
            assert group is not None  # every branch of a bucket is a named group, "g<index>"
            target = self.name_targets[int(group[1:])]
            version = _version(text, match.start(), match.end())
            if target.versioned and not version:
                continue
            found.append(_mention(page, match.start(), match.end(), target, version))
        return found

    def name_candidates(self, lowered: str, keys: PageKeys) -> Iterator[tuple[int, str]]:
        """``(offset, beginning)`` where an alias may begin, at a word start of the lower-cased
        page. The beginning is the longest alias beginning found there, so every alias that
        can match at the offset begins with a part of it."""
        if not self.names_enumerated:
            for start in _WORD_START.finditer(lowered):
                yield start.start(), start.group()
            return
        # Every word start holding a key, even inside a longer key ("mesh t" of "MESH
        # TENSORFLOW" holds "tensor"): it is the aliases' matches that may not overlap.
        lengths = keys.starts[Role.NAME]
        for at in sorted(lengths):
            if _AT_WORD_START.match(lowered, at):
                yield at, lowered[at : at + lengths[at]]

    def _bucket(self, head: str) -> re.Pattern[str]:
        """The aliases that may match where ``head`` begins, in the full alternation's
        order (longest first) and with its group names: the same match, from a few branches
        instead of hundreds."""
        pattern = self._buckets.get(head)
        if pattern is None:
            heads = {head[:length] for length in range(1, len(head) + 1)}
            branches = "|".join(
                f"(?P<g{index}>{alias})"
                for index, (alias, starts) in enumerate(
                    zip(self.name_aliases, self.name_prefixes, strict=True)
                )
                if starts is None or heads & starts
            )
            pattern = self._buckets[head] = re.compile(f"{_BEFORE}(?:{branches}){_AFTER}")
        return pattern

    def _spaced(self, page: int, text: str) -> list[Mention]:
        """Names in small capitals: "P Y T ORCH", "S CIKIT - LEARN"."""
        found: list[Mention] = []
        if not self.spaced_keys.any_in(text):
            return found
        for match in _SPACED_CAPS.finditer(text):
            run = match.group()
            letters = [(i, ch) for i, ch in enumerate(run) if ch != " "]
            squashed = "".join(ch for _, ch in letters).casefold()
            taken = 0
            for name, target in self.spelled:
                at = squashed.find(name, taken)
                if at < 0:
                    continue
                first, last = letters[at][0], letters[at + len(name) - 1][0] + 1
                starts_word = first == 0 or run[first - 1] == " "
                ends_word = last == len(run) or run[last] == " "
                if " " in run[first:last] and starts_word and ends_word:
                    start, end = match.start() + first, match.start() + last
                    found.append(_mention(page, start, end, target, _version(text, start, end)))
                    taken = at + len(name)
        return found

    def _compounds(
        self, page: int, text: str, keys: PageKeys
    ) -> tuple[list[Mention], list[Mention]]:
        """``(compounds, lookalikes)``: library names built on a framework's name ("mesh-
        transformer-jax", "JaxPruner", "Intel®-Extension-for-PyTorch", "torchvision"), and the
        names that only look so ("JAX-RS", "CaffeNet"), whose alias hits are dropped. Only the
        names holding a stem are read: one scan for the stems finds them."""
        found: list[Mention] = []
        lookalikes: list[Mention] = []
        seen: set[int] = set()
        for hit in keys.leftmost(Role.STEM):
            match = _token_at(text, hit)
            if match is None or match.start() in seen:
                continue
            seen.add(match.start())
            token = match.group()
            if len(token) < 5:
                continue
            if token.casefold() in self.not_compounds:
                lookalikes.append(Mention(page, match.start(), match.end(), "", None, Kind.NAME))
                continue
            target = self._compound_target(token)
            if target is not None:
                target = _Target(target.framework, token, since=target.since)
                found.append(_mention(page, match.start(), match.end(), target, None))
        return found, lookalikes

    def _compound_target(self, token: str) -> _Target | None:
        lowered = token.casefold()
        for stem, target in self.stems:
            at = lowered.find(stem)
            while at >= 0:
                end = at + len(stem)
                if _component(token, at, end, stem in self.glued_stems, stem in self.suffix_stems):
                    return target
                at = lowered.find(stem, at + 1)
        return None

    def _code(self, page: int, text: str, keys: PageKeys) -> list[Mention]:
        found: list[Mention] = []
        modules = keys.starts[Role.MODULE]
        if not modules:
            return found  # most pages hold no module name at all: no scan
        dotted = any(text[at + length : at + length + 1] == "." for at, length in modules.items())
        if not dotted and not ("import" in text and _IMPORT.search(text)):
            return found  # code is "import x", "from x ... import" or "x.attr"
        for match in self.code.finditer(text):
            module = match.group("imported") or match.group("source") or match.group("attr")
            target = self.code_targets[module]
            found.append(
                Mention(page, match.start(), match.end(), target.framework, target.via, Kind.CODE)
            )
        return found

    def _urls(self, page: int, text: str, spans: list[tuple[int, int]]) -> list[Mention]:
        found = []
        for start, end in spans:
            address = re.sub(r"^(?:https?://)?(?:www\.)?", "", text[start:end].lower())
            for prefix, target in self.urls:
                if address.startswith(prefix) and address[len(prefix) : len(prefix) + 1] in (
                    "",
                    "/",
                    ".",
                    "-",
                ):
                    path = address[len(prefix) :]
                    kind = Kind.RESOURCE if _RESOURCE_PATH.search(path) else Kind.URL
                    found.append(Mention(page, start, end, target.framework, target.via, kind))
                    break
        return found


def _mention(
    page: int, start: int, end: int, target: _Target, version: re.Match[str] | None
) -> Mention:
    return Mention(
        page,
        start,
        version.end() if version else end,
        target.framework,
        target.via,
        Kind.VERSION if version else Kind.NAME,
        target.until,
        target.since,
    )


def _version(text: str, start: int, end: int) -> re.Match[str] | None:
    """The version number right after a name; a lone digit glued to a long name is a footnote
    mark ("PyTorch3"), glued to a short one a version ("TF2")."""
    version = _VERSION.match(text, end)
    if version and version.group()[:1].isdigit() and "." not in version.group() and end - start > 3:
        return None
    return version


def _component(token: str, start: int, end: int, glued: bool, suffix: bool) -> bool:
    """Whether ``token[start:end]`` is a whole component of a compound name: bounded by the
    name's ends, separators, a change to upper case or digits ("JaxPruner", "PyTorch3D"), or,
    for the stems that allow it, by a lower-case rest at the name's start ("torchvision"). A
    stem glued after another word ("BoTorch", "EvoJAX") counts only where ``suffix`` allows:
    "PromptChainer" is no Chainer library."""
    before = token[start - 1] if start else ""
    after = token[end] if end < len(token) else ""
    camel = before.islower() and token[start].isupper()
    starts = not before or not before.isalnum() or (camel and suffix)
    if not starts:
        return False
    if not after or not after.isalnum() or after.isdigit():
        return True
    if after.isupper():
        return token[end - 1].islower() or not token[start:end].isupper()
    return glued and start == 0 and token[end:].isalpha() and len(token) - end >= 3


def _lowered(text: str) -> str:
    """The page lower-cased letter for letter, so offsets stay the page's (``str.lower`` is
    fast, and only lengthens a handful of rare letters, which the slow way avoids)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def _token_at(text: str, position: int) -> re.Match[str] | None:
    """The library-name token (``_TOKEN``) that holds ``position``."""
    start = position
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-.®"):
        start -= 1
    while start < position and not text[start].isalnum():
        start += 1  # a token opens on a letter or digit
    for match in _TOKEN.finditer(text, start, position + 1 + _LONGEST_TOKEN):
        if match.start() <= position < match.end():
            return match
        if match.start() > position:
            break
    return None


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``offset`` falls in one of ``spans`` (in order, not overlapping)."""
    at = bisect_right(spans, (offset, _END)) - 1
    return at >= 0 and offset < spans[at][1]


def _apart(candidates: list[Mention], found: list[Mention]) -> list[Mention]:
    """Candidates overlapping none of ``found``."""
    return [c for c in candidates if not any(m.start < c.end and c.start < m.end for m in found)]


@cache
def scanner() -> Scanner:
    return build_scanner(load_catalogue())


def build_scanner(catalogue: Catalogue) -> Scanner:
    entries: list[tuple[str, _Target]] = []
    code: dict[str, _Target] = {}
    urls: list[tuple[str, _Target]] = []
    stems: list[tuple[str, _Target]] = []
    spelled: list[tuple[str, _Target]] = []
    since = dict(catalogue.compound_since)
    for fw in catalogue.frameworks:
        own = _Target(fw.id, None)
        stems += [(stem, _Target(fw.id, None, since=since.get(stem))) for stem in fw.compounds]
        if fw.name.replace(" ", "").isalnum() or "-" in fw.name:
            spelled.append((fw.name.replace(" ", "").casefold(), own))
        entries += [(alias, own) for alias in fw.aliases]
        entries += [(alias, _Target(fw.id, None, versioned=True)) for alias in fw.versioned]
        entries += [(alias, _Target(fw.id, None, until=year)) for alias, year in fw.aliases_until]
        code.update(dict.fromkeys(fw.imports, own))
        urls += [(url.lower(), own) for url in fw.urls]
    for lib in catalogue.libraries:
        if not lib.framework:
            continue  # backend unknown: naming it says nothing about any framework
        target = _Target(lib.framework, lib.name)
        entries += [(alias, target) for alias in lib.aliases]
        code.update(dict.fromkeys(lib.imports, target))
        urls += [(url.lower(), target) for url in lib.urls]
    # Longer patterns first, so "Caffe2" wins over "Caffe" and "PyTorch Lightning" over "PyTorch".
    entries.sort(key=lambda entry: -len(entry[0]))
    beginnings = [prefixes(pattern) for pattern, _ in entries]
    enumerated = all(found is not None for found in beginnings)
    if not enumerated:  # candidates are word starts then, which say nothing of an alias
        beginnings = [None] * len(entries)
    starts = {head for found in beginnings if found is not None for head in found}
    names = "|".join(f"(?P<g{i}>{pattern})" for i, (pattern, _) in enumerate(entries))
    modules = trie_pattern(set(code))  # longest first, as an alternation sorted by length
    # An import is a line of code ("import torch", "from jax import numpy"), never prose such as
    # "differs from baselines" or "a checkpoint from fairseq".
    code_pattern = (
        rf"(?m:^)[ \t>]*import\s+(?P<imported>{modules})\b"
        rf"|\bfrom\s+(?P<source>{modules})(?:\.[\w.]+)?\s+import\b"
        rf"|(?<![\w./-])(?P<attr>{modules})\.(?![\w.]*\.(?:{_TLDS})\b)[A-Za-z_]\w*"
    )
    return Scanner(
        names=re.compile(f"{_BEFORE}(?:{names}){_AFTER}"),
        name_targets=tuple(target for _, target in entries),
        keys=KeySet(
            {
                Role.NAME: starts,
                Role.MODULE: {module.lower() for module in code},
                Role.STEM: {stem for stem, _ in stems},
                Role.URL: {*_URL_SCHEMES, *_URL_HOSTS},
            }
        ),
        names_enumerated=enumerated,
        spaced_keys=KeySet({Role.NAME: _spaced_keys(name for name, _ in spelled)}),
        name_aliases=tuple(pattern for pattern, _ in entries),
        name_prefixes=tuple(beginnings),
        code=re.compile(code_pattern),
        code_targets=code,
        urls=tuple(sorted(urls, key=lambda entry: -len(entry[0]))),
        stems=tuple(sorted(stems, key=lambda entry: -len(entry[0]))),
        glued_stems=frozenset(s for fw in catalogue.frameworks for s in fw.glued_compounds),
        suffix_stems=frozenset(s for fw in catalogue.frameworks for s in fw.suffix_compounds),
        spelled=tuple(sorted(spelled, key=lambda entry: -len(entry[0]))),
        not_compounds=catalogue.compound_exclude,
    )


def _spaced_keys(names: Iterator[str]) -> set[str]:
    """How each name begins in small capitals, up to its first space: the space falls after
    any of its letters ("P Y", "PY T", "TENSOR F")."""
    return {(name[:k] + " " + name[k]).upper() for name in names for k in range(1, len(name))}
