"""Fault injection for the mirror server, parsed from a SPEC string.

Used as ``fwcensus mirror serve DIR --faults SPEC``. Grammar::

    SPEC = RULE[;RULE...]
    RULE = KIND[:ARG][*COUNT][%PERCENT]@GLOB

GLOB is an fnmatch pattern (case-sensitive; ``*`` also matches ``/``) matched against
the request target after the mirror prefix: ``HOST/PATH`` plus ``?QUERY`` if any, raw as
sent, e.g. ``openaccess.thecvf.com/content/*/papers/*.pdf``. GLOB may not contain ``;``.

``*COUNT``    only the first COUNT matching requests get the fault (per rule, thread-safe).
``%PERCENT``  each matching request gets the fault with that probability (0-100), drawn
              from a seeded RNG (seed given to the plan, default 0; one stream per rule).
              With both, COUNT caps how many requests the rule faults.

Kinds:

``429[:SECONDS]``    status 429 with ``Retry-After: SECONDS`` (default 1)
``503[:SECONDS]``    status 503, ``Retry-After`` only if SECONDS is given
``500``              status 500
``404``              status 404
``hang[:SECONDS]``   accept the request, send nothing for SECONDS (default 60), then close;
                     ends early when the server stops
``delay:SECONDS``    answer normally after SECONDS
``truncate[:BYTES]`` send headers with the FULL Content-Length but only the first BYTES
                     bytes of the body (default half), then close the connection
``html``             answer 200 with Content-Type application/pdf but an HTML error page body
``drop``             close the connection without any response

Rules are tried in order; the first rule whose GLOB matches and that fires (COUNT not
used up, PERCENT draw succeeds) gives the fault, else the request is answered normally.
Empty rules (e.g. a trailing ``;``) are ignored. An unknown kind or bad syntax raises
ValueError with a one-line message naming the bad rule.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

KINDS = ("429", "503", "500", "404", "hang", "delay", "truncate", "html", "drop")
STATUS_KINDS = ("429", "503", "500", "404")

_RULE_RE = re.compile(
    r"(?P<kind>[A-Za-z0-9]+)"
    r"(?::(?P<arg>[^*%@]*))?"
    r"(?:\*(?P<count>[^%@]*))?"
    r"(?:%(?P<percent>[^@]*))?"
    r"@(?P<glob>.+)"
)


@dataclass(frozen=True)
class Fault:
    """One fault to inject. ``seconds`` for 429/503/hang/delay, ``size`` for truncate."""

    kind: str
    seconds: float | None = None
    size: int | None = None


@dataclass(frozen=True)
class FaultRule:
    """A parsed RULE: which fault, for which targets, how often."""

    fault: Fault
    glob: str
    count: int | None = None
    percent: float | None = None
    text: str = ""


@dataclass
class FaultPlan:
    """The rules of a SPEC plus the per-rule counters and RNG streams they consume."""

    rules: list[FaultRule] = field(default_factory=list)
    seed: int = 0
    _fired: list[int] = field(init=False, repr=False)
    _rngs: list[random.Random] = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._fired = [0] * len(self.rules)
        # One stream per rule so a rule's pattern does not depend on other rules' traffic.
        self._rngs = [random.Random(f"{self.seed}:{i}") for i in range(len(self.rules))]

    def pick(self, target: str) -> Fault | None:
        """Return the fault for request target ``HOST/PATH[?QUERY]``, or None to answer."""
        with self._lock:
            for i, rule in enumerate(self.rules):
                if not fnmatchcase(target, rule.glob):
                    continue
                if rule.count is not None and self._fired[i] >= rule.count:
                    continue
                if rule.percent is not None and self._rngs[i].random() * 100 >= rule.percent:
                    continue
                self._fired[i] += 1
                return rule.fault
        return None


def _number(text: str, rule: str, what: str, *, integer: bool) -> float:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        raise ValueError(f"bad {what} {text!r} in fault rule {rule!r}") from None
    if value < 0 or value != value or value == float("inf"):
        raise ValueError(f"bad {what} {text!r} in fault rule {rule!r}")
    return value


def _fault(kind: str, arg: str | None, rule: str) -> Fault:
    if kind not in KINDS:
        kinds = ", ".join(KINDS)
        raise ValueError(f"unknown fault kind {kind!r} in rule {rule!r} (kinds: {kinds})")
    if arg is not None and kind in ("500", "404", "html", "drop"):
        raise ValueError(f"fault {kind!r} takes no argument in rule {rule!r}")
    if kind == "delay" and arg is None:
        raise ValueError(f"fault 'delay' needs :SECONDS in rule {rule!r}")
    if arg is None:
        defaults = {"429": Fault("429", seconds=1), "hang": Fault("hang", seconds=60)}
        return defaults.get(kind, Fault(kind))
    if kind in ("429", "503"):
        # Retry-After carries whole seconds.
        return Fault(kind, seconds=_number(arg, rule, "seconds", integer=True))
    if kind == "truncate":
        return Fault(kind, size=int(_number(arg, rule, "byte count", integer=True)))
    return Fault(kind, seconds=_number(arg, rule, "seconds", integer=False))


def parse_rule(text: str) -> FaultRule:
    """Parse one ``KIND[:ARG][*COUNT][%PERCENT]@GLOB``; ValueError names a bad rule."""
    m = _RULE_RE.fullmatch(text)
    if m is None:
        raise ValueError(f"bad fault rule {text!r} (expected KIND[:ARG][*COUNT][%PERCENT]@GLOB)")
    fault = _fault(m["kind"].lower(), m["arg"], text)
    count = None
    if m["count"] is not None:
        count = int(_number(m["count"], text, "count", integer=True))
        if count < 1:
            raise ValueError(f"count must be at least 1 in fault rule {text!r}")
    percent = None
    if m["percent"] is not None:
        percent = _number(m["percent"], text, "percent", integer=False)
        if percent > 100:
            raise ValueError(f"percent must be 0-100 in fault rule {text!r}")
    return FaultRule(fault, m["glob"], count, percent, text)


def parse_faults(spec: str, seed: int = 0) -> FaultPlan:
    """Parse a SPEC (``RULE[;RULE...]``, see the module docstring) into a FaultPlan."""
    rules = [parse_rule(part.strip()) for part in spec.split(";") if part.strip()]
    return FaultPlan(rules, seed)
