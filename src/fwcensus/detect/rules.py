"""The rules that decide what one mention of a framework says: the authors used it, they only
named it, or the bibliography cites it.

Each rule reads the mention, its sentence and its section, and either decides (role, rule id,
confidence) or passes to the next. The order is the point: where a paper is (bibliography),
then what cannot be prose (code), then what makes a name someone else's (a hypothetical, a
port's source, a comparison, a list, another group's work, a baseline), and only then what
makes it the authors' own (a version, an implementation sentence, released code, a checklist,
thanks to a framework team). A name that no rule claims is `mentioned`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from fwcensus.detect.mentions import Kind, Mention
from fwcensus.models import Role, SectionKind


@dataclass(frozen=True)
class Context:
    """What the rules may read about one mention."""

    mention: Mention
    text: str  # the page
    sentence_start: int
    sentence_end: int
    section: SectionKind
    label: str  # the heading of the section, lower-cased ("2 related work")
    in_list: bool  # one of three or more framework names listed side by side
    year: int | None  # the paper's estimated year

    @property
    def sentence(self) -> str:
        return self.text[self.sentence_start : self.sentence_end]

    @property
    def before(self) -> str:
        """The sentence up to the mention."""
        return self.text[self.sentence_start : self.mention.start]

    @property
    def after(self) -> str:
        return self.text[self.mention.end : self.sentence_end]


@dataclass(frozen=True)
class Finding:
    role: Role
    rule: str
    confidence: float


_I = re.IGNORECASE
FIRST_PERSON = re.compile(r"\b(?:we|our|ours|us|this (?:paper|work|study))\b", _I)
# "... is implemented in", "were trained with": the passive voice of an implementation report.
PASSIVE_USE = re.compile(
    r"\b(?:is|are|was|were|been|be|being)\s+(?:\w+ly\s+|all\s+|also\s+)?"
    r"(?:implemented|built|written|developed|programmed|coded|trained|run|conducted|performed"
    r"|carried out|done|based|realized|realised|used|utilized|employed|optimized|evaluated)\b",
    _I,
)
USE_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("implemented-in", re.compile(r"\bimplement(?:ed|s|ing|ation|ations)?\b|\bprogrammed\b", _I)),
    (
        "built-on",
        re.compile(
            r"\bbased on\b|\bbuilt (?:on|upon|with|using|in)\b|\bon top of\b|\bbuilds? (?:on|upon)"
            r"|\bextend(?:s|ed)?\b|\bcode ?base\b|\bfork(?:ed)?\b",
            _I,
        ),
    ),
    ("written-in", re.compile(r"\bwritten (?:in|with|using)\b|\bcoded\b|\bdeveloped\b", _I)),
    (
        "trained-with",
        re.compile(
            r"\btrain(?:ed|ing|s)?\b|\bfine-?tun(?:e|ed|ing)\b|\bexperiments?\b|\bruns?\b|\bran\b"
            r"|\bconducted\b|\bperformed\b|\bcarried out\b",
            _I,
        ),
    ),
    (
        "we-use",
        re.compile(
            r"\bus(?:e|ed|es|ing)\b|\butiliz(?:e|ed|es|ing)\b|\badopt(?:ed|s)?\b|\bemploy(?:ed|s)?\b"
            r"|\bleverag(?:e|ed|es|ing)\b|\bwith the\b|\bunder the\b|\bvia\b|\btoolbox\b"
            r"|\btoolkit\b|\bframework\b|\blibrary\b",
            _I,
        ),
    ),
)
HYPOTHETICAL = re.compile(
    r"\b(?:can|could|may|might|would|should)\s+(?:also\s+|easily\s+|readily\s+|then\s+)*"
    r"(?:be\s+)?(?:easily\s+)?(?:implemented|ported|used|run|applied|integrated|adopted|extended"
    r"|written|plugged|incorporated)\b|\bis (?:also )?compatible with\b"
    r"|\bsupport(?:s|ed)? (?:by|in)",
    _I,
)
PORT = re.compile(
    r"\bport(?:ed|ing|s)?\b|\bconvert(?:ed|ing)?\b|\bmigrat(?:e|ed|ing)\b|\btranslat(?:e|ed)\b", _I
)
PORT_SOURCE = re.compile(
    r"\bfrom\s+(?:the\s+|their\s+|its\s+)?(?:original\s+|official\s+|public\s+|released\s+)?$", _I
)
PORT_TARGET = re.compile(r"\b(?:to|into)\s+$", _I)
# Words that, just before a name, make it a point of comparison or an example, not a tool.
CONTRAST = re.compile(
    r"\bunlike\b|\bsuch as\b|\blike\b|\be\.g\.|\bincluding\b|\bcompared (?:to|with|against)\b"
    r"|\bcomparisons? (?:to|with)\b|\bthan\b|\bversus\b|\bvs\b\.?|\bover (?:the |a |an )?"
    r"(?:standard |default |vanilla |native |official |existing |popular )*$|\binstead of\b"
    r"|\brather than\b|\bsimilar to\b|\bas in\b|\balternatives?\b|\bother\b|\bwhereas\b|\bpopular\b"
    r"|\bexisting\b|\bprovided (?:in|by|with)\b|\breleased by\b|\bsuffers?\b|\bcontrast\b",
    _I,
)
CONTRAST_REACH = 90  # characters before a name that a contrast word governs
# A new clause between a contrast word and a name ends the contrast's reach: "including our
# own, a Theano implementation is used".
CLAUSE_BREAK = re.compile(
    r"[;:]|,\s+(?:a|an|the|we|our|which|and we|but|while|whereas|it|this)\b|\.\s", _I
)
OTHERS = re.compile(
    r"\btheir\b|\bthey\b|\bthe authors\b|\bet al\.|\boriginal(?:ly)?\b|\bofficial\b"
    r"|\bprevious(?:ly)?\b|\bprior\b|\bexisting\b|\breleased\b",
    _I,
)
# "the TensorFlow implementation of [27]": a name followed by someone else's code.
OTHERS_CODE = re.compile(
    r"^\s*(?:\[[\d,\s\u2013-]+\]\s*)?(?:-based\s+)?(?:implementation|code|port|version|release)s?\d?\s+"
    r"(?:of|by|from|released by|provided by)\s+(?:\[|[A-Z][\w-]+ et al|[A-Z][\w-]+ and [A-Z]"
    r"|the authors|their)",
)
BASELINE = re.compile(
    r"\bbaselines?\b|\bcompetitors?\b|\bcompeting (?:methods|models|approaches)\b"
    r"|\bcompared (?:methods|models|approaches)\b",
    _I,
)
BASELINE_REACH = 300  # characters before the sentence that can set up a list of baselines
CODE_RELEASE = re.compile(
    r"\b(?:code|implementation|source|models?|software|repository|project page)s?\b.{0,60}"
    r"\b(?:available|released|publicly|open[- ]sourced?|can be found|at|here)\b"
    r"|\b(?:release|open[- ]source)\b",
    _I,
)
# The stock phrase of a paper releasing its own code: "Code and models are available at ...".
OWN_RELEASE = re.compile(
    r"\b(?:source\s+)?code(?:\s+and\s+(?:models|data(?:sets?)?|weights))?\s+(?:is|are|will be)"
    r"\s+(?:made\s+)?(?:publicly\s+)?(?:available|released|open[- ]sourced)",
    _I,
)
CHECKLIST = re.compile(
    r"\b(?:software|framework|libraries|library|packages|dependencies|requirements)\s*(?:used)?"
    r"\s*[:=]|\bchecklist\b|\breproducibility\b|\bsoftware (?:and|&) (?:hardware|libraries)\b",
    _I,
)
THANKS = re.compile(
    r"\bthank|\bgrateful|\bteam\b|\bdevelopers\b|\bsupport(?:ed)?\b|\bcredits?\b|\bcompute\b", _I
)
RELATED_LABEL = re.compile(r"related|background|prior work|previous work|literature|survey", _I)

Rule = Callable[[Context], Finding | None]


def bibliography(ctx: Context) -> Finding | None:
    if ctx.section is SectionKind.REFERENCES:
        return Finding(Role.CITED, "bibliography", 0.9)
    return None


def code_listing(ctx: Context) -> Finding | None:
    if ctx.mention.kind is Kind.CODE:
        return Finding(Role.USED, "code-listing", 0.9)
    return None


def hypothetical(ctx: Context) -> Finding | None:
    if HYPOTHETICAL.search(ctx.sentence) and not _own_use_before(ctx):
        return Finding(Role.MENTIONED, "hypothetical", 0.7)
    return None


def port_source(ctx: Context) -> Finding | None:
    """ "ported from the original TensorFlow code to PyTorch": the source is someone else's."""
    if PORT.search(ctx.sentence) and PORT_SOURCE.search(ctx.before[-40:]):
        return Finding(Role.MENTIONED, "port-source", 0.8)
    return None


def port_target(ctx: Context) -> Finding | None:
    """The authors' side of a port: "We ported ... to PyTorch"."""
    if (
        PORT.search(ctx.sentence)
        and FIRST_PERSON.search(ctx.sentence)
        and PORT_TARGET.search(ctx.before[-20:])
    ):
        return Finding(Role.USED, "port-target", 0.8)
    return None


def comparison(ctx: Context) -> Finding | None:
    window = ctx.before[-CONTRAST_REACH:]
    cues = list(CONTRAST.finditer(window))
    if not cues:
        return None
    cue = cues[-1]  # the nearest one governs
    # "Unlike TensorFlow, we implement our model in PyTorch": a statement of own use between
    # the contrast word and this name takes this name out of the comparison.
    between = window[cue.end() :]
    if CLAUSE_BREAK.search(between) or (FIRST_PERSON.search(between) and _use_phrase(between)):
        return None
    return Finding(Role.MENTIONED, "comparison", 0.75)


def framework_list(ctx: Context) -> Finding | None:
    if ctx.in_list and not _own_use_before(ctx, reach=40):
        return Finding(Role.MENTIONED, "framework-list", 0.75)
    return None


def others_work(ctx: Context) -> Finding | None:
    if OTHERS_CODE.match(ctx.after):
        return Finding(Role.MENTIONED, "others-code", 0.75)
    if not FIRST_PERSON.search(ctx.sentence) and OTHERS.search(ctx.sentence):
        return Finding(Role.MENTIONED, "others-work", 0.7)
    return None


def baseline(ctx: Context) -> Finding | None:
    """Run only for someone else's baseline: described in the third person near "baselines"."""
    if FIRST_PERSON.search(ctx.sentence):
        return None
    lead = ctx.text[max(0, ctx.sentence_start - BASELINE_REACH) : ctx.sentence_end]
    if BASELINE.search(lead):
        return Finding(Role.MENTIONED, "baseline", 0.6)
    return None


def version(ctx: Context) -> Finding | None:
    if ctx.mention.kind is Kind.VERSION:
        return Finding(Role.USED, "version", 0.9)
    return None


def implementation(ctx: Context) -> Finding | None:
    """ "We implement our model in PyTorch", "All models are trained with TensorFlow"."""
    sentence = ctx.sentence
    own = FIRST_PERSON.search(sentence) or PASSIVE_USE.search(sentence)
    if not own:
        return None
    if RELATED_LABEL.search(ctx.label) and not FIRST_PERSON.search(sentence):
        return None  # related work in the passive voice describes others' systems
    phrase = _use_phrase(sentence)
    if phrase is None:
        return None
    return Finding(Role.USED, phrase, 0.85)


def released_code(ctx: Context) -> Finding | None:
    """A footnote or sentence releasing code, naming the framework or linking its host."""
    if not CODE_RELEASE.search(ctx.sentence):
        return None
    own = (
        FIRST_PERSON.search(ctx.sentence)
        or OWN_RELEASE.search(ctx.sentence)
        or ctx.section is SectionKind.FOOTNOTE
    )
    if not own:
        return None
    rule = "code-url" if ctx.mention.kind is Kind.URL else "code-release"
    return Finding(Role.USED, rule, 0.8)


def checklist(ctx: Context) -> Finding | None:
    if CHECKLIST.search(ctx.sentence) or "checklist" in ctx.label:
        return Finding(Role.USED, "checklist", 0.8)
    return None


def acknowledgement(ctx: Context) -> Finding | None:
    if ctx.section is SectionKind.ACKNOWLEDGEMENTS and THANKS.search(ctx.sentence):
        return Finding(Role.USED, "acknowledgement", 0.6)
    return None


def named(ctx: Context) -> Finding:
    rule = "related-work" if RELATED_LABEL.search(ctx.label) else "named"
    return Finding(Role.MENTIONED, rule, 0.5)


RULES: tuple[Rule, ...] = (
    bibliography,
    code_listing,
    hypothetical,
    port_source,
    port_target,
    comparison,
    framework_list,
    others_work,
    baseline,
    version,
    implementation,
    released_code,
    checklist,
    acknowledgement,
)


def decide(ctx: Context) -> Finding:
    for rule in RULES:
        finding = rule(ctx)
        if finding is not None:
            return finding
    return named(ctx)


def _use_phrase(text: str) -> str | None:
    for rule_id, pattern in USE_PHRASES:
        if pattern.search(text):
            return rule_id
    return None


def _own_use_before(ctx: Context, reach: int = CONTRAST_REACH) -> bool:
    window = ctx.before[-reach:]
    return bool(FIRST_PERSON.search(window) and _use_phrase(window))
