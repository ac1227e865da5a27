"""Find every place a page names a framework: by name, by name with a version, in code
(``import torch``, ``tf.keras``) or in a URL (``github.com/pytorch/fairseq``).

One compiled alternation per kind scans each page once; everything else in detection looks
only at the sentences these hits fall in, which keeps the method close to a plain regex scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from fwcensus.detect.catalogue import Catalogue, load_catalogue


class Kind(StrEnum):
    NAME = "name"
    VERSION = "version"  # the name followed by a version number: "PyTorch 1.7", "TF 2.4"
    CODE = "code"  # an import or an attribute of the module: "import torch", "torch.nn"
    URL = "url"


@dataclass(frozen=True)
class Mention:
    page: int  # 1-based
    start: int  # offsets within the page's text
    end: int
    framework: str  # catalogue id
    via: str | None  # the library named, when it is a library built on ``framework``
    kind: Kind
    until: int | None = None  # the alias names ``framework`` only in papers up to this year


@dataclass(frozen=True)
class _Target:
    framework: str
    via: str | None
    versioned: bool = False
    until: int | None = None


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
_URL = re.compile(r"(?:https?://|www\.|\b(?:github|gitlab|gitee)\.com/)[^\s<>\"')\]]+")


@dataclass(frozen=True)
class Scanner:
    names: re.Pattern[str]
    name_targets: tuple[_Target, ...]
    code: re.Pattern[str]
    code_targets: dict[str, _Target]
    urls: tuple[tuple[str, _Target], ...]  # (lower-case prefix, target), longest first

    def scan(self, page: int, text: str) -> list[Mention]:
        found = [*self._names(page, text), *self._code(page, text)]
        if "/" in text or "www." in text:
            spans = [match.span() for match in _URL.finditer(text)]
            found = [m for m in found if not any(a <= m.start < b for a, b in spans)]
            found += self._urls(page, text, spans)
        return sorted(found, key=lambda m: (m.start, m.end))

    def _names(self, page: int, text: str) -> list[Mention]:
        found = []
        for match in self.names.finditer(text):
            target = self.name_targets[int(match.lastgroup[1:])]  # type: ignore[index]
            version = _VERSION.match(text, match.end())
            if target.versioned and not version:
                continue
            kind = Kind.VERSION if version else Kind.NAME
            end = version.end() if version else match.end()
            found.append(
                Mention(page, match.start(), end, target.framework, target.via, kind, target.until)
            )
        return found

    def _code(self, page: int, text: str) -> list[Mention]:
        found = []
        for match in self.code.finditer(text):
            module = match.group("imported") or match.group("attr")
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
                    found.append(Mention(page, start, end, target.framework, target.via, Kind.URL))
                    break
        return found


@cache
def scanner() -> Scanner:
    return build_scanner(load_catalogue())


def build_scanner(catalogue: Catalogue) -> Scanner:
    entries: list[tuple[str, _Target]] = []
    code: dict[str, _Target] = {}
    urls: list[tuple[str, _Target]] = []
    for fw in catalogue.frameworks:
        own = _Target(fw.id, None)
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
    names = "|".join(f"(?P<g{i}>{pattern})" for i, (pattern, _) in enumerate(entries))
    modules = "|".join(sorted(map(re.escape, code), key=len, reverse=True))
    code_pattern = (
        rf"\b(?:import|from)\s+(?P<imported>{modules})\b"
        rf"|(?<![\w./-])(?P<attr>{modules})\.(?![\w.]*\.(?:{_TLDS})\b)[A-Za-z_]\w*"
    )
    return Scanner(
        names=re.compile(f"{_BEFORE}(?:{names}){_AFTER}"),
        name_targets=tuple(target for _, target in entries),
        code=re.compile(code_pattern),
        code_targets=code,
        urls=tuple(sorted(urls, key=lambda entry: -len(entry[0]))),
    )
