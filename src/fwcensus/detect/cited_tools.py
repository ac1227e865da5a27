"""Tools a paper names only through a citation: "the fine-tuning script from the GPT-J
repository [Wang, 2021]", "using the Foo library [41]". When the cited entry itself names
exactly one framework family ("Mesh-Transformer-JAX: ... with JAX", "Foo: a PyTorch library
for ..."), the citation stands for that framework where it is cited, and the sentence around it
decides, as it does for a name, except that only the authors acting make it theirs: a citation
in an impersonal clause describes the cited work.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from fwcensus.detect.mentions import Kind, Mention
from fwcensus.detect.references import Entry, bibliography, citations, resolve
from fwcensus.models import Section, SectionKind

# A framework's dataset collection cited for its data ("TensorFlow Datasets") is not a tool
# the paper ran.
_DATA_AFTER = re.compile(r"\s*(?:[Dd]atasets?|DATASETS?)\b")
_NOT_CITING = (SectionKind.REFERENCES, SectionKind.TITLE)
VIA_CHARS = 80  # how much of the entry names the tool in the evidence
TOOL_REACH = 40  # characters before a citation that name what it cites
_TOOL_WORD = re.compile(
    r"\b(?:library|libraries|framework|toolkit|toolbox|codebase|code\s+base|code|repository|repo"
    r"|scripts?|implementation|package|software|platform|engine|suite|tool)\s*$",
    re.IGNORECASE,
)
# A name right before the citation: capitalised or with capitals inside, not opening the
# sentence ("We", "The").
_TOOL_NAME = re.compile(r"(?<=[\w,;:)] )(?-i:[A-Z][\w-]*|[a-z]+[A-Z][\w-]*)\s*$")


def cited_tools(
    pages: Sequence[str],
    sections: Sequence[Section],
    named: Mapping[int, Sequence[Mention]],
    family: Callable[[str], str],
) -> dict[int, list[Mention]]:
    """Per page (1-based), a mention for each citation whose entry names one framework;
    ``named`` holds each page's mentions as the scanner found them."""
    entries = bibliography(pages, sections)
    if not entries:
        return {}
    tools = {entry: _framework(entry, named.get(entry.page, ()), family) for entry in entries}
    if not any(tools.values()):
        return {}  # no entry names a framework: no citation need be read
    # Only citations that can point at an entry naming a framework are read.
    wanted = [entry for entry, framework in tools.items() if framework]
    numbered = any(entry.number is not None for entry in wanted)
    surnames = {entry.first_surname for entry in wanted if entry.first_surname}
    found: dict[int, list[Mention]] = defaultdict(list)
    for section in sections:
        if section.kind in _NOT_CITING:
            continue
        text = pages[section.page - 1]
        spans = citations(text, section.start, section.end, numbered=numbered, surnames=surnames)
        for citation in spans:
            if not _names_a_tool(text, citation.start):
                continue
            for entry in resolve(citation, entries):
                framework = tools[entry]
                if framework is not None:
                    via = " ".join(entry.text.split())[:VIA_CHARS]
                    found[section.page].append(
                        Mention(
                            section.page,
                            citation.start,
                            citation.end,
                            framework,
                            via,
                            Kind.CITATION,
                        )
                    )
    return found


def _names_a_tool(text: str, citation_start: int) -> bool:
    """Whether the citation follows the name of a tool: a word saying it is one ("the Foo
    library [41]", "the GPT-J repository [Wang, 2021]") or a name ("Quokka (Smith et al.)"),
    not a term or a claim ("bfloat16 [53] activations", "are publicly available [3]")."""
    before = text[max(0, citation_start - TOOL_REACH) : citation_start]
    return bool(_TOOL_WORD.search(before) or _TOOL_NAME.search(before))


def _framework(
    entry: Entry, page_mentions: Sequence[Mention], family: Callable[[str], str]
) -> str | None:
    # What the entry's own words say: a library's site or organisation found by URL is the
    # catalogue's knowledge, not the entry's ("github.com/open-mmlab/...").
    named = [
        m
        for m in page_mentions
        if entry.start <= m.start < entry.end
        and m.kind is not Kind.RESOURCE
        and not (m.kind is Kind.URL and m.via is not None)
        and not _DATA_AFTER.match(entry.text, m.end - entry.start)
    ]
    if len({family(m.framework) for m in named}) != 1:
        return None
    return named[0].framework
