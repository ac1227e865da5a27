"""A repository's verdict per framework, and the paper's verdict combining text and code.

Repository: ``used`` when a manifest, a Dockerfile, Lua ``require``, a weights file in the
framework's format or the host's metadata (a Hugging Face library or framework tag) names the
framework; when a Caffe prototxt does and no other framework is declared (a prototxt beside
``torch`` in requirements.txt is a net run through OpenCV or converted, not Caffe training); or
when code uses it (imports, C/C++ includes, MATLAB calls, counted per file) in at least two
files, or it is the most used one and no other framework is declared. ``minor`` when it only
appears otherwise (one helper script beside a declared framework, a handful of imports beside a
different main framework); absent without evidence.
Combined: ``used`` when either source says used; ``agreement`` says which source(s) decided:
``both``, ``text-only``, ``code-only``, ``text-only-no-repo`` (no repository read), and
``conflict`` is flagged when the two sources name different frameworks and share none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fwcensus.repos.findings import CODE_KINDS, MANIFEST_KINDS, SUPPORTING_KINDS, RepoEvidence

USED, MINOR = "used", "minor"


@dataclass(frozen=True)
class RepoVerdict:
    framework: str
    role: str  # "used" | "minor"
    score: float
    evidence: tuple[RepoEvidence, ...]


def repo_verdicts(evidence: Iterable[RepoEvidence]) -> list[RepoVerdict]:
    by_fw: dict[str, list[RepoEvidence]] = defaultdict(list)
    for item in evidence:
        by_fw[item.framework].append(item)
    code_files = {
        fw: len({s.file for s in items if s.kind in CODE_KINDS}) for fw, items in by_fw.items()
    }
    top = max(code_files.values(), default=0)
    declaring = MANIFEST_KINDS - SUPPORTING_KINDS
    declared = {fw for fw, items in by_fw.items() if any(s.kind in declaring for s in items)}
    verdicts = []
    for fw, items in by_fw.items():
        kinds = {s.kind for s in items}
        others_declared = bool(declared - {fw})
        manifest = fw in declared or bool(kinds & SUPPORTING_KINDS and not others_declared)
        files = code_files[fw]
        score = sum(s.weight for s in items if s.kind not in CODE_KINDS) + min(files, 10)
        used = manifest or files >= 2 or (files == top >= 1 and not others_declared)
        if not manifest and top >= 10 and files < top / 5:
            used = False  # a handful of imports beside a different main framework
        ordered = sorted(items, key=lambda s: (-s.weight, s.file, s.line))
        verdicts.append(RepoVerdict(fw, USED if used else MINOR, float(score), tuple(ordered)))
    return sorted(verdicts, key=lambda v: (v.role != USED, -v.score, v.framework))


@dataclass(frozen=True)
class Combined:
    framework: str
    text_role: str | None  # the evidence method's role: used | mentioned | cited | None
    code_role: str | None  # used | minor | None (None also when no repository was read)
    role: str  # the combined role: used | mentioned | cited | minor
    agreement: str  # both | text-only | code-only | text-only-no-repo | neither


def combine(
    text_roles: Mapping[str, str], code_roles: Mapping[str, str] | None
) -> tuple[list[Combined], bool]:
    """Per framework, both sources side by side; and whether they conflict (each names a used
    framework the other does not, and they share none)."""
    rows = []
    for fw in sorted(set(text_roles) | set(code_roles or {})):
        text_role = text_roles.get(fw)
        code_role = (code_roles or {}).get(fw)
        text_used, code_used = text_role == "used", code_role == USED
        if text_used and code_used:
            agreement = "both"
        elif text_used:
            agreement = "text-only" if code_roles is not None else "text-only-no-repo"
        elif code_used:
            agreement = "code-only"
        else:
            agreement = "neither"
        role = "used" if text_used or code_used else (text_role or code_role or "")
        rows.append(Combined(fw, text_role, code_role, role, agreement))
    used_in_text = {r.framework for r in rows if r.text_role == "used"}
    used_in_code = {r.framework for r in rows if r.code_role == USED}
    conflict = bool(used_in_text and used_in_code and not used_in_text & used_in_code)
    return rows, conflict


def used_by(rows: Sequence[Combined], source: str) -> set[str]:
    """Frameworks used by ``text``, ``code`` or ``combined``."""
    if source == "text":
        return {r.framework for r in rows if r.text_role == "used"}
    if source == "code":
        return {r.framework for r in rows if r.code_role == USED}
    return {r.framework for r in rows if r.role == "used"}
