"""The rules that decide what one mention of a framework says: the authors used it, they only
named it, or the bibliography cites it.

Each rule reads the mention, its clause (clauses.py: who acts, which word governs the name)
and its section, and either decides (role, rule id, confidence) or passes to the next. The
order is the point: where a paper is (bibliography), what cannot be prose (code), what names a
framework without being it (a datasets page, a funding programme), what makes a name one of
several (a list, a disjunction), then what the clause's governing word makes of it (a modal,
a negation, a comparison, someone else's code, or a verb of use with the authors, or nobody,
acting), and only then what else marks own use (a version, released code, a checklist). A name
that no rule claims is `mentioned`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from fwcensus.detect.clauses import (
    MODAL,
    USE_CUES,
    Agent,
    Cue,
    Governor,
    contrast_reaching,
    governor,
)
from fwcensus.detect.mentions import Kind, Mention
from fwcensus.models import Role, SectionKind


@dataclass(frozen=True)
class Context:
    """What the rules may read about one mention."""

    mention: Mention
    text: str  # the page
    sentence_start: int
    sentence_end: int
    clause_start: int
    clause_end: int
    agent: Agent  # who acts in the clause (clauses.agent, inherited where the clause is relative)
    inherited: bool  # the agent acts in the clause before ("we ..., since X is widely used")
    section: SectionKind
    label: str  # the heading of the section, lower-cased ("2 related work")
    in_list: bool  # one of three or more framework names listed side by side
    in_disjunction: bool  # joined to another framework by "or"
    year: int | None  # the paper's estimated year

    @property
    def sentence(self) -> str:
        return self.text[self.sentence_start : self.sentence_end]

    @property
    def before(self) -> str:
        """The sentence up to the mention."""
        return self.text[self.sentence_start : self.mention.start]

    @property
    def lead(self) -> str:
        """The clause up to the mention."""
        return self.text[self.clause_start : self.mention.start]

    @property
    def tail(self) -> str:
        """The clause after the mention."""
        return self.text[self.mention.end : max(self.mention.end, self.clause_end)]

    @property
    def governor(self) -> Governor | None:
        return governor(self.text, self.clause_start, self.mention.start)


@dataclass(frozen=True)
class Finding:
    role: Role
    rule: str
    confidence: float


_I = re.IGNORECASE
# Related work describes others' systems; an introduction, the field.
RELATED_LABEL = re.compile(
    r"related|background|prior work|previous work|literature|survey|introduction|motivation", _I
)
# Words that make an impersonal statement one about the field: "models are commonly trained
# with X", "popular frameworks such as X".
GENERIC = re.compile(
    r"\b(?:commonly|typically|usually|often|generally|widely|popular(?:ly)?|increasingly"
    r"|traditionally|conventionally|mainstream|de\s+facto|existing|nowadays)\b"
    r"|\b(?:most|many|modern|major|recent)\s+(?:[\w-]+\s+){0,2}(?:works|papers|models|methods"
    r"|approaches|frameworks|researchers|practitioners|implementations|systems|libraries)\b",
    _I,
)
# "the TensorFlow implementation of [27]": a name followed by someone else's code.
OTHERS_CODE = re.compile(
    r"^\s*(?:\[[\d,\s\u2013-]+\]\s*)?(?:-based\s+)?(?:implementation|code|port|version|release)s?\d?\s+"
    r"(?:of|by|from|released by|provided by)\s+(?:\[|[A-Z][\w-]+ et al|[A-Z][\w-]+ and [A-Z]"
    r"|the authors|their)",
)
# "X is used", "X [3] was adopted": the name as the subject of a passive verb of use.
FRONTED_LEAD = re.compile(r"(?:^|\n)\W*(?:in|with|using|via|on\s+top\s+of)\s+(?:the\s+)?$", _I)
FRONTED_USE = re.compile(
    r"(?:[^.;]|\bal\.){0,80}?,\s+(?:[\w ]{0,20},\s+)?we\s+(?:\w+ly\s+)?"
    r"(?:implement|train|build|use|run|write|develop|realize|realise|compute|define|code|program)",
    _I,
)
# "The PyTorch (Paszke et al., 2019) version is 1.8.1", "PyTorch version: 2.1".
VERSION_AFTER = re.compile(
    r"\s*(?:\([^()]{0,80}\)|\[[^\]]{0,20}\])?\s*version\s*(?:is|was|:|=)?\s*v?\d+\.\d", _I
)
# Up to two names or versions may stand between ("DeepSpeed ZeRO-3 was used").
PASSIVE_USE_AFTER = re.compile(
    r"^(?:\s+(?-i:[A-Z0-9])[\w.-]*){0,2}\s*(?:\[[^\]]{0,30}\]\s*|\([^()]{0,60}\)\s*)?,?\s*"
    r"(?P<aux>is|was|are|were|has\s+been|have\s+been)\s+(?:also\s+|mainly\s+|primarily\s+"
    r"|then\s+)?(?:used|employed|adopted|utili[sz]ed|chosen|selected|leveraged)\b",
    _I,
)
# Said of the field or of someone's work, not reported by the authors: "has become a de facto
# standard", "was first implemented in X by Vaswani et al.", "the experiments in [14]".
FIELD_AFTER = re.compile(
    r"\bde\s+facto\b|\bwidely\b|\bpopular\b|\bcommonly\b|\bha(?:s|ve)\s+become\b"
    r"|\bby\s+(?:[A-Z][\w-]+\s+et\s+al|[A-Z][\w-]+\s+and\s+[A-Z]|\[\d|the\s+(?:original\s+)?"
    r"authors|its\s+authors)",
)
OTHERS_BEFORE = re.compile(
    r"\bthird-party\b|\b(?:the\s+)?original(?:ly)?\b|\bofficial\b|\bthe\s+released\b", _I
)
OBJECT_BEFORE = re.compile(r"\b(?:from|of|than|to|over|with|in)\s+(?:\w+\s+)?$", _I)
CITED_SUBJECT = re.compile(
    r"(?:^|\n)\W*(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:in|of|by|from)\s+(?:\[\d|[A-Z][\w-]+\s+et\s+al)",
    _I,
)
# An own noun after the name: "our PyTorch implementation", "its JAX version".
OWN_CODE_AFTER = re.compile(
    r"^\s*(?:\[[^\]]{0,30}\]\s*)?(?:-based\s+)?(?:implementations?|code(?:base)?|version|port"
    r"|re-?implementation|library|package|module|framework)\b",
    _I,
)
INTRODUCES = re.compile(
    r"\b(?:introduce[sd]?|present(?:s|ed)?|propose[sd]?|release[sd]?|develop(?:s|ed)?)\s+"
    r"(?:\w+\s+){0,3}$",
    _I,
)
# What a framework offers that is not the framework in use: its source tree, zoo, docs.
RESOURCE_AFTER = re.compile(
    r"^\s*(?:'s\s+)?(?:official\s+)?(?:source\s+code|model\s+zoo|zoo|tutorials?|documentation|docs"
    r"|website|hub|model\s+garden|datasets?)\b",
    _I,
)
BASELINE = re.compile(
    r"\bbaselines?\b|\bcompetitors?\b|\bcompeting (?:methods|models|approaches)\b"
    r"|\bcompared (?:methods|models|approaches)\b",
    _I,
)
BASELINE_REACH = 300  # characters before the sentence that can set up a list of baselines
# A subject that points back at what the sentence before described.
POINTS_BACK = re.compile(
    r"^\W*(?:it|they|this|these|its|their|the\s+(?:former|latter|baselines?|methods?|models?))\b",
    _I,
)
CODE_RELEASE = re.compile(
    r"\b(?:code|implementation|source|models?|software|repository|project page)s?\b.{0,60}"
    r"\b(?:available|released|publicly|open[- ]sourced?|can be found|at|here)\b"
    r"|\b(?:release|open[- ]source)\b|^\W*(?:source\s+)?(?:code|implementation)\s*:\s*\S+://",
    _I,
)
# The stock phrases of a paper releasing its own code: "Code and models are available at
# ...", "Code: https://...".
OWN_RELEASE = re.compile(
    r"\b(?:source\s+)?code\b(?:[^.;]|\bal\.){0,100}?\b(?:is|are|will be)\s+(?:made\s+)?"
    r"(?:publicly\s+)?"
    r"(?:available|released|open[- ]sourced)"
    r"|^\W*(?:source\s+)?(?:code|implementation|project\s+page)\s*:",
    _I,
)
CHECKLIST = re.compile(
    r"\b(?:software|framework|libraries|library|packages|dependencies|requirements)\s*(?:used)?"
    r"\s*[:=]|\bchecklist\b|\breproducibility\b|\bsoftware (?:and|&) (?:hardware|libraries)\b"
    r"|\bsoftware\s+(?:used|versions?|stack|environment)\b"
    r"|\blicen[cs]es?\b|\bBSD\b|\bApache[- ]?2|\bMIT\s+licen",
    _I,
)
# What only code has: an assignment, a call with arguments, a definition, an import line.
CODE_LIKE = re.compile(
    r"[\w\])]\s*=\s*[\w(\[]|\w\([\w\s.,=*'\"\[\]-]*\)\s*(?:[.#\n)]|$)|\bdef\s+\w+\(|\breturn\b"
    r"|^\s*(?:import|from)\s+\w|\n\s*(?:import|from)\s+\w|@\w+\("
)
CAPTION_CHARS = 100  # a table caption naming the software is at most this long
# A programme named after a framework funds the work; it says nothing about the code: "the
# PaddlePaddle Open Research Fund", "the TensorFlow Research Cloud".
FUNDING_AFTER = re.compile(
    r"(?:\s+(?:[A-Z][\w-]*|open|research|innovation|academic|developer|community|education"
    r"|industry))*?\s+(?i:fund(?:s|ing|ed)?|grants?|programm?e?s?|awards?|fellowships?"
    r"|scholarships?|research\s+cloud|cloud|credits?|sponsor\w*|donations?|gifts?|prize)\b"
)
FUNDING_REACH = 60  # characters after a name that can still belong to a programme's name
THANKS = re.compile(
    r"\bthank|\bgrateful|\bgratitude|\bindebted|\backnowledge|\bappreciat|\bteam\b|\bdevelopers\b"
    r"|\bcontributors\b|\bcommunity\b|\bmaintainers\b|\bcompute\b",
    _I,
)
# "did not use", "without using", "never trained with": a negated verb of use.
NEGATED = re.compile(r"\b(?:not|never|without|n't)\s+(?:\w+\s+)?$", _I)
BUT = re.compile(r"\bbut\b|\binstead\b|\brather\b", _I)
PORT = re.compile(
    r"\b(?:port|ported|porting|convert|converted|migrat(?:e|ed)|translat(?:e|ed))\b", _I
)
PORT_SOURCE = re.compile(
    r"\bfrom\s+(?:the\s+|their\s+|its\s+)?(?:original\s+|official\s+|public\s+|released\s+)?$", _I
)
PORT_TARGET = re.compile(r"\b(?:to|into)\s+(?:the\s+)?$", _I)
_USE_RULES = {
    Cue.IMPLEMENT: "implemented-in",
    Cue.BUILD: "built-on",
    Cue.TRAIN: "trained-with",
    Cue.USE: "we-use",
}

Rule = Callable[[Context], Finding | None]


def bibliography(ctx: Context) -> Finding | None:
    if ctx.section is SectionKind.REFERENCES:
        return Finding(Role.CITED, "bibliography", 0.9)
    return None


def resource(ctx: Context) -> Finding | None:
    """A datasets catalogue, model hub or source tree of a framework is not its use."""
    if ctx.mention.kind is Kind.RESOURCE or RESOURCE_AFTER.match(ctx.tail):
        return Finding(Role.MENTIONED, "resource", 0.75)
    return None


def code_listing(ctx: Context) -> Finding | None:
    """Code decides by itself; a module's name in a prose sentence ("the torch.bmm operator")
    is judged by that sentence like a name."""
    if ctx.mention.kind is Kind.CODE and CODE_LIKE.search(ctx.sentence):
        return Finding(Role.USED, "code-listing", 0.9)
    return None


def funding(ctx: Context) -> Finding | None:
    if FUNDING_AFTER.match(ctx.text, ctx.mention.end, ctx.mention.end + FUNDING_REACH):
        return Finding(Role.MENTIONED, "funding", 0.75)
    return None


def acknowledgement(ctx: Context) -> Finding | None:
    """Thanks to a framework's team or developers: the paper used it."""
    if ctx.section is SectionKind.ACKNOWLEDGEMENTS and THANKS.search(ctx.sentence):
        return Finding(Role.USED, "acknowledgement", 0.6)
    return None


def several(ctx: Context) -> Finding | None:
    """One of three or more frameworks listed, or one of two offered as a choice."""
    if ctx.in_list and not _checklist(ctx):
        return Finding(Role.MENTIONED, "framework-list", 0.75)
    if ctx.in_disjunction:
        return Finding(Role.MENTIONED, "disjunction", 0.7)
    return None


def others_code(ctx: Context) -> Finding | None:
    if OTHERS_CODE.match(ctx.tail):
        return Finding(Role.MENTIONED, "others-code", 0.75)
    return None


def port(ctx: Context) -> Finding | None:
    """ "We ported the original TensorFlow code to PyTorch": the target is the authors' own,
    whatever stands between the verb and it; the source is someone else's."""
    if not PORT.search(ctx.lead):
        return None
    if PORT_TARGET.search(ctx.lead[-20:]) and (
        ctx.agent is Agent.OWN or (ctx.agent is Agent.NONE and not RELATED_LABEL.search(ctx.label))
    ):
        return Finding(Role.USED, "port-target", 0.8)
    if PORT_SOURCE.search(ctx.lead[-40:]):
        return Finding(Role.MENTIONED, "port-source", 0.8)
    return None


def hypothetical(ctx: Context) -> Finding | None:
    """A modal or a condition anywhere before the name in its clause makes the clause about
    what could be ("such a model would not fit in PyTorch", "if one used TensorFlow")."""
    if MODAL.search(ctx.lead):
        return Finding(Role.MENTIONED, "hypothetical", 0.7)
    return None


def governed(ctx: Context) -> Finding | None:
    """What the nearest governing word of the clause makes of the name."""
    gov = ctx.governor
    if gov is None:
        return None
    # "we did not use X but Y": the negation stops at "but".
    negated_use = (
        gov.cue in USE_CUES
        and NEGATED.search(ctx.text, max(ctx.clause_start, gov.start - 24), gov.start)
        and not BUT.search(ctx.text, gov.end, ctx.mention.start)
    )
    if gov.cue is Cue.NEGATION or negated_use:
        return Finding(Role.MENTIONED, "negated", 0.7)
    if gov.cue is Cue.HYPOTHETICAL:
        return Finding(Role.MENTIONED, "hypothetical", 0.7)
    if gov.cue is Cue.HISTORY:  # "our model was first trained with X"; "BERT was originally..."
        if ctx.agent is Agent.OWN:
            return _use(ctx, "trained-with")
        return Finding(Role.MENTIONED, "others-work", 0.7)
    if gov.cue is Cue.CONTRAST:
        return Finding(Role.MENTIONED, "comparison", 0.75)
    if gov.cue is Cue.OTHERS:
        # "we use the official PyTorch implementation of X": run by the authors, whoever wrote it
        # (for a baseline the labels leave it out of scoring either way).
        used = governor(ctx.text, ctx.clause_start, gov.start)
        if ctx.agent is Agent.OWN and used is not None and used.cue in (Cue.USE, Cue.BUILD):
            return _use(ctx, _USE_RULES[used.cue])
        return Finding(Role.MENTIONED, "others-work", 0.7)
    if gov.cue is Cue.PORT:  # the object of a port is its source
        return Finding(Role.MENTIONED, "port-source", 0.8)
    if gov.cue in USE_CUES:
        # A verb of use inside the thing compared is that thing's: "faster than the widely used
        # Megatron-LM", "which embeds the documents using X" after "we compare with Y".
        reach = ctx.sentence_start if ctx.inherited else ctx.clause_start
        if contrast_reaching(ctx.text, reach, ctx.mention.start) is not None:
            return Finding(Role.MENTIONED, "comparison", 0.7)
        return _use(ctx, _USE_RULES[gov.cue])
    return None


def fronted(ctx: Context) -> Finding | None:
    """ "In Torch7 [5], we implement ...", "Using JAX, we train ...": the tool stands before
    the authors' verb of use."""
    if FRONTED_LEAD.search(ctx.lead) and FRONTED_USE.match(
        ctx.text, ctx.mention.end, ctx.sentence_end
    ):
        return Finding(Role.USED, "implemented-in", 0.8)
    return None


def passive_use(ctx: Context) -> Finding | None:
    """ "PyTorch [31] is used for all experiments": the name as the subject of use; "X has
    been used to train large models" is the field's history, not a report."""
    match = PASSIVE_USE_AFTER.match(ctx.tail)
    if match is None:
        return None
    if ctx.agent is not Agent.OWN and match.group("aux").lower().startswith("ha"):
        return Finding(Role.MENTIONED, "generic", 0.6)
    return _use(ctx, "we-use")


def own_code(ctx: Context) -> Finding | None:
    """ "our TensorFlow implementation", "its JAX implementation" in an own clause; a library
    built on a framework that the authors introduce ("this paper introduces EconoJax")."""
    if ctx.agent is Agent.OWN and OWN_CODE_AFTER.match(ctx.tail):
        return Finding(Role.USED, "implemented-in", 0.8)
    if ctx.agent is Agent.OWN and ctx.mention.via and INTRODUCES.search(ctx.lead[-40:]):
        return Finding(Role.USED, "own-library", 0.8)
    return None


def version(ctx: Context) -> Finding | None:
    versioned = ctx.mention.kind is Kind.VERSION or VERSION_AFTER.match(ctx.tail)
    if not versioned or ctx.agent is Agent.OTHER:
        return None
    if ctx.agent is Agent.NONE and RELATED_LABEL.search(ctx.label):
        return None
    return Finding(Role.USED, "version", 0.9)


def released_code(ctx: Context) -> Finding | None:
    """A footnote or sentence releasing code, naming the framework or linking its host."""
    if not CODE_RELEASE.search(ctx.sentence):
        return None
    own = (
        ctx.agent is Agent.OWN
        or OWN_RELEASE.search(ctx.sentence)
        or ctx.section is SectionKind.FOOTNOTE
    )
    if not own:
        return None
    rule = "code-url" if ctx.mention.kind is Kind.URL else "code-release"
    return Finding(Role.USED, rule, 0.8)


def checklist(ctx: Context) -> Finding | None:
    if _checklist(ctx):
        return Finding(Role.USED, "checklist", 0.8)
    return None


def named(ctx: Context) -> Finding:
    rule = "related-work" if RELATED_LABEL.search(ctx.label) else "named"
    return Finding(Role.MENTIONED, rule, 0.5)


RULES: tuple[Rule, ...] = (
    bibliography,
    resource,
    code_listing,
    funding,
    acknowledgement,
    several,
    others_code,
    port,
    hypothetical,
    governed,
    fronted,
    passive_use,
    own_code,
    version,
    released_code,
    checklist,
)


def decide(ctx: Context) -> Finding:
    finding = next((f for rule in RULES if (f := rule(ctx)) is not None), None) or named(ctx)
    if ctx.mention.kind is Kind.CITATION and finding.role is Role.MENTIONED:
        # The body cites the work without naming the framework: still only cited.
        return Finding(Role.CITED, finding.rule, finding.confidence)
    return finding


def _use(ctx: Context, rule: str) -> Finding:
    """A verb of use governs the name: whose use it is decides."""
    if ctx.inherited and (GENERIC.search(ctx.lead) or FIELD_AFTER.search(ctx.tail)):
        # "we derive X, since such layers have been widely implemented in toolkits like Y":
        # the authors act in the clause before; this one is about the field.
        return Finding(Role.MENTIONED, "generic", 0.6)
    if ctx.agent is Agent.OWN:
        if ctx.mention.kind is Kind.CITATION:
            return Finding(Role.USED, "cited-tool", 0.75)
        if ctx.mention.kind is Kind.VERSION:
            return Finding(Role.USED, "version", 0.9)
        return Finding(Role.USED, rule, 0.85)
    if ctx.agent is Agent.OTHER:
        return Finding(Role.MENTIONED, "others-work", 0.7)
    if ctx.mention.kind is Kind.CITATION:  # an impersonal clause describes the cited work
        return Finding(Role.MENTIONED, "cited-work", 0.6)
    # Nobody named: in the paper's own sections an impersonal report is the authors' own
    # ("all experiments were run using X"); in related work, the field's.
    if RELATED_LABEL.search(ctx.label) or ctx.section is SectionKind.TITLE:
        return Finding(Role.MENTIONED, "related-work", 0.6)
    if GENERIC.search(ctx.lead) or FIELD_AFTER.search(ctx.tail):
        return Finding(Role.MENTIONED, "generic", 0.6)
    if _others_subject(ctx.lead):  # "third-party packages written on top of X"
        return Finding(Role.MENTIONED, "others-work", 0.6)
    if CITED_SUBJECT.search(ctx.lead):
        return Finding(Role.MENTIONED, "cited-work", 0.6)
    if _baseline(ctx):
        return Finding(Role.MENTIONED, "baseline", 0.6)
    return Finding(Role.USED, rule, 0.8)


def _others_subject(lead: str) -> bool:
    """An others' word in the subject ("third-party packages written on X", "whose original
    implementation is based on X"), not in an object ("reimplemented from its original
    TensorFlow version using X")."""
    return any(
        not OBJECT_BEFORE.search(lead, max(0, cue.start() - 20), cue.start())
        for cue in OTHERS_BEFORE.finditer(lead)
    )


def _baseline(ctx: Context) -> bool:
    """Run only for someone else's baseline, nobody of ours acting: in a section on baselines,
    in a sentence about them, or in one whose subject points back at a baseline just described
    ("DeepFM [9] combines ... It is implemented using Keras")."""
    if "baseline" in ctx.label or BASELINE.search(ctx.lead):
        return True
    if not POINTS_BACK.match(ctx.sentence):
        return False
    before = ctx.text[max(0, ctx.sentence_start - BASELINE_REACH) : ctx.sentence_start]
    return BASELINE.search(before) is not None


def _checklist(ctx: Context) -> bool:
    if "checklist" in ctx.label or CHECKLIST.search(ctx.sentence):
        return True
    # A software table: its caption is the short line just before.
    above = ctx.text[max(0, ctx.sentence_start - CAPTION_CHARS) : ctx.sentence_start]
    if not above.endswith("\n"):
        return False  # the sentence does not open a line: what precedes is its paragraph
    lines = above.rstrip("\n").split("\n")
    return len(lines) > 1 and CHECKLIST.search(lines[-1]) is not None
