"""The clause around a framework's name, who acts in it, and what word governs the name.

A sentence often carries two statements ("the authors trained their model in JAX, while we
used PyTorch"), so each name is judged by its own clause: the sentence is cut at semicolons,
at conjunctions that change the subject (while, whereas, but, because, although), at a comma
that opens a new subject (", we", ", their"), and at a relative pronoun that begins a
statement about something else (", which", "whose").

Inside the clause, two things decide: the agent (the authors themselves, someone else, or
nobody named: an impersonal "all experiments were run using X") and the governor, the nearest
word before the name that says what the name is doing there: a verb of use ("implemented in",
"built on", "trained with"), a comparison ("faster than", "unlike"), a modal ("would",
"could be implemented"), a negation, a port's source ("ported from"), or someone else's code
("their", "the original"). Example words ("such as", "e.g.", "including"), articles,
adjectives, citations and other framework names are transparent: in "we use libraries such
as PyTorch" the governor of PyTorch is "use".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_I = re.IGNORECASE


class Agent(StrEnum):
    OWN = "own"  # the authors: we, our, this paper, the paper's own system
    OTHER = "other"  # someone else: they, their, the original authors, X et al.
    NONE = "none"  # nobody named: passive or impersonal


class Cue(StrEnum):
    USE = "use"
    BUILD = "build"  # based on, built on, on top of, extends
    IMPLEMENT = "implement"
    TRAIN = "train"  # trained, run, conducted, experiments
    CONTRAST = "contrast"
    HYPOTHETICAL = "hypothetical"
    NEGATION = "negation"
    PORT = "port"
    OTHERS = "others"  # their, the original, the official, released by
    HISTORY = "history"  # originally implemented, first trained: someone's, unless ours


@dataclass(frozen=True)
class Governor:
    cue: Cue
    start: int  # offsets into the page
    end: int
    text: str


# Where a clause ends: the match is the boundary, the next clause starts at its end.
_BOUNDARY = re.compile(
    r";|\s[\u2013\u2014]\s"  # a semicolon, a dash between spaces
    r"|,?\s+(?:while|whereas|whilst|but|although|though|because|unless)\s+(?=(?-i:[a-z]))"
    r"|\s+(?:due\s+to\s+the\s+fact\s+that|because\s+of)\s+"
    r"|,?\s+since\s+(?=(?-i:[a-z]))"
    r"|,\s+(?:and\s+|so\s+|yet\s+)?(?=(?:we|our|they|their|it|its|these|those|the\s+authors"
    r"|the\s+original)\b)"
    r"|,\s+(?:which|who|whose|where)\b|\s+whose\b"
    # ", and JAX is growing": a new subject with its own verb
    r"|,\s+and\s+(?=(?-i:[A-Z])[\w.-]*\s+(?:is|was|are|were|has|have|had|can|will|does)\b)",
    _I,
)
# A relative or causal clause belongs to the one before it ("their code, which uses Theano");
# a contrast or a semicolon starts an independent statement.
_INHERITS = re.compile(r"^,?\s*(?:which|who|whose|where|because|since)\b", _I)

_OWN = re.compile(
    r"\b(?:we|our|ours|us)\b|\bthis\s+(?:paper|work|study|project|submission|article)\b"
    r"|\bthe\s+proposed\b",
    _I,
)
# An author-year citation in parentheses or brackets: "(Bradbury et al., 2018; Heek, 2020)".
_CITATION = re.compile(r"[(\[][^()\[\]]{0,200}?(?:19|20)\d\d[a-z]?[)\]]")
# The first words after the comma that ends a fronted phrase.
_AFTER_COMMA = re.compile(r"[^,.;]{0,120},\s+(\S+(?:\s+\S+)?)")
_OTHER = re.compile(
    r"\b(?:they|their|them)\b|\bthe\s+(?:original\s+)?authors\b|\bet\s+al\b"
    r"|\b(?:prior|previous|earlier|existing|related)\s+(?:work|works|studies|methods|approaches"
    r"|systems|implementations?)\b|\b(?:of|by|from)\s+\[\d",
    _I,
)
# Modals, plans and "any framework" make a statement about what could be, not what was done
# ("the gradients can then be obtained using X", "we plan to implement it in X"); "can be
# found at" only says where something is.
MODAL_PATTERN = (
    r"\b(?:would|could|might|may|should)\b"
    r"|\b(?:can|cannot|can't)\b(?!\s+(?:also\s+|now\s+)?be\s+(?:found|seen|downloaded"
    r"|accessed|obtained\s+(?:at|from)|reached)\b)"
    r"|\b(?:plan|plans|planned|intend|intends|aim|aims)\s+to\b"
    r"|\bif\s+(?:one|you|someone|a\s+user|users|the\s+user)\b"
    r"|\bany\s+(?:[\w-]+\s+){0,2}(?:frameworks?|library|libraries|packages?|toolkits?|tools?)\b"
    r"|\bis\s+(?:also\s+)?compatible\s+with\b|\bsupport(?:s|ed)?\s+(?:by|in)\b"
)
MODAL = re.compile(MODAL_PATTERN, _I)
# Governors, as (cue, pattern). Of all matches before a name, the nearest wins; on a tie the
# earlier entry. Example words ("such as", "e.g.", "including", "frameworks like"), articles,
# adjectives, citations and other names match nothing, so they pass the governor through.
_GOVERNORS: tuple[tuple[Cue, re.Pattern[str]], ...] = (
    (Cue.HYPOTHETICAL, re.compile(MODAL_PATTERN, _I)),
    (Cue.NEGATION, re.compile(r"\b(?:not|never|without|neither|nor|no)\b|n't\b", _I)),
    (
        Cue.CONTRAST,
        re.compile(
            r"\bunlike\b|\bcompar(?:e|es|ed|ing|ison|isons)\s+(?:\w+\s+){0,2}?(?:to|with|against)\b"
            r"|\bin\s+comparison\b|\bthan\b|\bversus\b|\bvs\b\.?|\binstead\s+of\b"
            r"|\brather\s+than\b|\bsimilar(?:ly)?\s+to\b|\bas\s+in\b|\balternatives?\s+to\b"
            r"|\bin\s+contrast\b|\bcontrary\s+to\b|\bas\s+opposed\s+to\b|\brelative\s+to\b"
            r"|\bagainst\b|\boutperform(?:s|ed|ing)?\b|\bspeed-?ups?\b[^.]{0,30}?\bover\b"
            r"|\bover\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,2}$|\bdiffer(?:s|ent)?\s+from\b"
            r"|\bsuffers?\b|(?-i:\bLike\b)|\bjust\s+like\b",
            _I,
        ),
    ),
    (
        Cue.PORT,
        re.compile(
            r"\b(?:port|ported|porting|convert|converted|migrat(?:e|ed)|translat(?:e|ed))\b", _I
        ),
    ),
    (
        Cue.OTHERS,
        re.compile(
            r"\b(?:their|his|her)\b|(?<!our )(?<!our own )\b(?:original(?:ly)?|official(?:ly)?)\b"
            r"|\breleased\s+by\b|\bprovided\s+in\b|\bauthors'|\bthird-party\b"
            r"|\b(?:the|publicly|previously)\s+released\b",
            _I,
        ),
    ),
    (
        Cue.HISTORY,
        re.compile(
            r"\b(?:originally|initially|first)\s+(?:\w+ly\s+)?(?:implemented|developed|written"
            r"|trained|released|proposed|introduced)\b",
            _I,
        ),
    ),
    (
        Cue.IMPLEMENT,
        re.compile(
            r"\b(?:re-?)?implement(?:ed|s|ing)?\b|\bprogram(?:med|s)?\b|\bwritten\b|\bwrite\b"
            r"|\bcoded\b|\bdevelop(?:ed|s|ing)?\b|\breali[sz](?:ed|e)\b",
            _I,
        ),
    ),
    (
        Cue.BUILD,
        re.compile(
            r"\bbased\s+on\b|\bbuil[dt]s?\b|\bon\s+top\s+of\b|\bextend(?:s|ed|ing)?\b"
            r"|\bmodif(?:y|ied|ies|ying|ications?)\b|\badapt(?:s|ed|ing)?\b"
            r"|\bbase[sd]?\s+(?:[\w-]+\s+){1,3}on\b|\bdepend(?:s|ed|ing|encies)?\s+on\b"
            r"|\bfollow(?:s|ed|ing)?\s+the\s+(?:[\w-]+\s+){0,2}(?:configurations?|setups?|recipes?"
            r"|settings?|implementations?|codebase)\s+(?:from|of|in)\b"
            r"|\bfork(?:ed|s)?\b|\brel(?:y|ies|ied)\s+on\b|\bpowered\s+by\b",
            _I,
        ),
    ),
    (
        Cue.TRAIN,
        re.compile(
            r"\btrain(?:ed|s|ing)?\b|\bfine-?tun(?:e|ed|es|ing)\b|\bpre-?train(?:ed|ing)?\b"
            r"|\bexperiment(?:s|ed)?\s+(?:with|using|in|on)\b|\bexperimented\b|\bruns?\b|\bran\b"
            r"|\bconduct(?:ed|s)?\b|\bperform(?:ed|s)?\b|\bobtained\s+(?:with|using|by)\b"
            r"|\bcarried\s+out\b|\bexecut(?:e|ed|es)\b|\bevaluat(?:e|ed|es)\b"
            r"|\bcomputed?\b|\boptimi[sz](?:e|ed)\b|\bdeploy(?:ed|s)?\b"
            r"|\bserv(?:ed|ing)\s+(?:with|by|using|on|through)\b",
            _I,
        ),
    ),
    (
        Cue.USE,
        re.compile(
            r"\bus(?:e|ed|es|ing)\b|\butili[sz](?:e|ed|es|ing)\b|\badopt(?:ed|s|ing)?\b"
            r"|\bemploy(?:ed|s|ing)?\b|\bleverag(?:e|ed|es|ing)\b|\bvia\b|\bthrough\b"
            r"|\bmake\s+use\s+of\b|\bmade\s+use\s+of\b|\brelease[ds]?\b|\bopen-?sourced?\b"
            r"|\bprovide[ds]?\b|\bwith\s+the\s+help\s+of\b|\binvok(?:e|ed|es)\b",
            _I,
        ),
    ),
)
USE_CUES = frozenset({Cue.USE, Cue.BUILD, Cue.IMPLEMENT, Cue.TRAIN})


def clause_span(text: str, start: int, end: int, mention_start: int) -> tuple[int, int, bool]:
    """``(first, last, inherits)``: the clause of the sentence ``text[start:end]`` that holds
    offset ``mention_start``; ``inherits`` says the clause is relative or causal, so the agent
    of the clause before it may act in it too."""
    first, last, inherits = start, end, False
    for match in _BOUNDARY.finditer(text, start, end):
        if _inside_brackets(text, start, match.start()):
            continue  # "(Shoeybi et al., 2019; Wolf et al., 2019)" is one citation
        if match.end() <= mention_start:
            first = match.end()
            inherits = bool(_INHERITS.match(match.group()))
        elif match.start() >= mention_start:
            last = match.start()
            break
    return first, last, inherits


def subject_after(tail: str, own_names: frozenset[str] = frozenset()) -> Agent:
    """The subject a fronted phrase leads to: "built on PyTorch (...), LibMTL has supported",
    "Using JAX, we train ..."."""
    match = _AFTER_COMMA.match(_CITATION.sub(" ", tail))
    if match is None:
        return Agent.NONE
    subject = match.group(1)
    if _OWN.match(subject) or any(_names(subject, name) for name in own_names):
        return Agent.OWN
    return Agent.NONE


def _inside_brackets(text: str, start: int, at: int) -> bool:
    piece = text[start:at]
    return piece.count("(") > piece.count(")") or piece.count("[") > piece.count("]")


def agent(lead: str, own_names: frozenset[str] = frozenset()) -> Agent:
    """Who acts in a clause, read from its words before the name. The authors win over someone
    else ("we modify their code"): own statements often name others' work. A citation in
    parentheses names the authors of a tool, not who acts: "implemented with JAX (Bradbury et
    al., 2018) and Haiku" is no one else's work."""
    lead = _CITATION.sub(" ", lead)
    if _OWN.search(lead) or any(_names(lead, name) for name in own_names):
        return Agent.OWN
    if _OTHER.search(lead):
        return Agent.OTHER
    return Agent.NONE


def _names(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def governor(text: str, start: int, end: int) -> Governor | None:
    """The nearest governing word in ``text[start:end]``, the clause before a name."""
    best: tuple[int, int, Cue, re.Match[str]] | None = None
    for rank, (cue, pattern) in enumerate(_GOVERNORS):
        last = None
        for last in pattern.finditer(text, start, end):  # noqa: B007 - the last match is kept
            pass
        if last is not None and (best is None or (last.end(), -rank) > (best[0], -best[1])):
            best = (last.end(), rank, cue, last)
    if best is None:
        return None
    match = best[3]
    return Governor(best[2], match.start(), match.end(), match.group())


def contrast_reaching(text: str, start: int, end: int) -> Governor | None:
    """A comparison in ``text[start:end]`` that still governs what follows it: no word of the
    authors acting stands between ("relative to the same model using the native JAX
    implementation", "faster than the widely used Megatron-LM"; but not "unlike TensorFlow,
    we implement it in PyTorch")."""
    pattern = dict(_GOVERNORS)[Cue.CONTRAST]
    last = None
    for last in pattern.finditer(text, start, end):  # noqa: B007 - the last match is kept
        pass
    if last is None or _OWN.search(text, last.end(), end):
        return None
    return Governor(Cue.CONTRAST, last.start(), last.end(), last.group())
