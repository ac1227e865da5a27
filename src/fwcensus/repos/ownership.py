"""Whether a code link's owner is one of the paper's authors or their organisation.

Owners are written every way people write their names: reordered and glued ("liuwei" or
"weiliu" for Wei Liu), with initials ("wliu", "hekj" for Keji He), with a year or a suffix
("zhangsan2020", "liuwei-lab"), as an organisation ("acme-research" for authors at @acme.com or
"Acme Research", "IAAR-Shanghai" for the Institute for Advanced Algorithms Research). The owner is
cut into words at separators, digits and capitals, common affixes (lab, group, research, ai,
official...) are dropped, and what is left is compared with each author's names, the authors'
e-mail names and domains, and their affiliations' distinctive words and acronyms.

A name matches in any order and glued; a surname or given name alone is a weaker match, and only
for names of four letters or more (two-letter surnames are shared by millions). An organisation
is weaker still: companies publish code they did not write for this paper.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from fwcensus.extract.front_matter import FrontMatter

AUTHOR_POINTS = 2.0  # the owner is an author (a full name form, or their e-mail name)
NAME_PART_POINTS = 1.0  # the owner holds an author's surname or given name
ORGANISATION_POINTS = 1.0  # the owner is the authors' organisation
MIN_PART = 4  # shortest surname or given name matched on its own
MAX_INITIALS = 3  # "kj" of Keji, "jp" of Jean-Pierre
MIN_ORG = 3  # shortest organisation word or acronym matched

_AFFIXES = frozenset(
    {"lab", "labs", "group", "research", "ai", "official", "team", "org", "hq", "inc", "dev",
     "code", "codes", "project", "projects", "repo", "github", "ml", "nlp", "cv", "the"}
)  # fmt: skip
# Words every organisation has; what is left names it ("Acme" of "Acme Research Lab").
_GENERIC = frozenset(
    {"university", "universitat", "universite", "universidad", "of", "the", "for", "and", "in",
     "at", "de", "institute", "institut", "department", "dept", "school", "college", "faculty",
     "laboratory", "laboratories", "lab", "labs", "research", "center", "centre", "academy",
     "inc", "corp", "corporation", "company", "co", "ltd", "llc", "gmbh", "group", "team", "ai",
     "science", "sciences", "computer", "computing", "engineering", "technology", "technologies",
     "national", "key", "state", "artificial", "intelligence", "information", "data", "systems",
     "advanced", "applied", "international", "joint", "graduate", "division", "program"}
)  # fmt: skip
_MAIL_PROVIDERS = frozenset(
    {"gmail", "googlemail", "outlook", "hotmail", "live", "yahoo", "qq", "163", "126", "foxmail",
     "icloud", "me", "protonmail", "mail", "aol", "yandex", "sina", "naver"}
)  # fmt: skip
_SECOND_LEVEL = frozenset({"ac", "edu", "co", "com", "org", "net", "gov", "or", "ne", "go"})
_PREFIX = "official"  # "official-acme"; shorter affixes start too many names ("aidan", "mlin")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class Authorship:
    """Who wrote the paper, as ownership is judged against: the listing's authors when it
    has any, else the first page's; affiliations and e-mails only ever from the first page."""

    authors: tuple[str, ...]
    affiliations: tuple[str, ...]
    emails: tuple[str, ...]
    source: str  # "listing" | "first page" | "none"
    reason: str | None = None  # why no authors are known

    @classmethod
    def of(cls, listing: Sequence[str], front: FrontMatter | None) -> Authorship:
        affiliations = front.affiliations if front else ()
        emails = front.emails if front else ()
        if listing:
            return cls(tuple(listing), affiliations, emails, "listing")
        if front is not None and front.authors:
            return cls(front.authors, affiliations, emails, "first page")
        reason = front.reason if front is not None else "no text and no authors in the listing"
        return cls((), affiliations, emails, "none", reason)


def fold(text: str) -> str:
    """Lower case ASCII letters and digits only ("Grégoire" -> "gregoire")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", plain.casefold())


def owner_words(owner: str) -> list[str]:
    """The words an owner is made of, standalone affixes dropped: "liuwei-lab" -> ["liuwei"],
    "HazyResearch" -> ["hazy"], "zhangsan2020" -> ["zhangsan"]."""
    last = owner.rsplit("/", 1)[-1]  # a GitLab subgroup's or a Hugging Face kind's last part
    words = [fold(w) for w in re.split(r"[^A-Za-z]+", _CAMEL.sub(" ", last))]
    return [w for w in words if w and w not in _AFFIXES]


def _forms(words: list[str]) -> set[str]:
    """Each word and all of them glued, with and without an affix glued to them
    ("facebookresearch" is also "facebook"; "chenkai" stays itself too)."""
    forms = set()
    for word in (*words, "".join(words)):
        forms.add(word)
        forms |= {
            word[: -len(a)] for a in _AFFIXES if word.endswith(a) and len(word) - len(a) >= MIN_ORG
        }
        if word.startswith(_PREFIX) and len(word) - len(_PREFIX) >= MIN_ORG:
            forms.add(word[len(_PREFIX) :])
    return forms


def ownership(owner: str, name: str, who: Authorship) -> tuple[float, str] | None:
    """``(points, reason)`` of the strongest tie between a repository (its owner, then its
    name) and the paper's authors or their organisation; None when there is none."""
    person = next(itertools.chain(_people(owner, "owner", who), _people(name, "name", who)), None)
    if person is not None:
        return person
    organisation = next(_organisation(owner, who), None)
    return None if organisation is None else (ORGANISATION_POINTS, organisation)


def _people(value: str, what: str, who: Authorship) -> Iterator[tuple[float, str]]:
    words = owner_words(value)
    if not words:
        return
    forms = _forms(words)
    strong: list[str] = []
    weak: list[str] = []
    for author in who.authors:
        parts = [fold(p) for p in re.split(r"[\s-]+", author) if fold(p)]
        if len(parts) < 2:
            continue
        given, surname = parts[0], parts[-1]
        if forms & _full_forms(parts) or any(_initials_form(f, given, surname) for f in forms):
            strong.append(author)
        elif any(f in (given, surname) and len(f) >= MIN_PART for f in forms):
            weak.append(author)
    for address in who.emails:
        local = fold(address.split("@", 1)[0])
        if len(local) >= MIN_PART and local in forms:
            yield AUTHOR_POINTS, f"{what} {value!r} is the e-mail name of {address}"
            return
    if strong:
        yield AUTHOR_POINTS, f"{what} {value!r} is author {strong[0]}"
    elif weak:
        yield NAME_PART_POINTS, f"{what} {value!r} holds a name of author {weak[0]}"


def _full_forms(parts: list[str]) -> set[str]:
    """A name glued in every order of its given names and surname ("weiliu", "liuwei")."""
    given, surname, middle = parts[0], parts[-1], "".join(parts[1:-1])
    return {given + surname, surname + given, given + middle + surname, surname + given + middle}


def _initials_form(form: str, given: str, surname: str) -> bool:
    """ "wliu" or "liuw" for Wei Liu, "hekj" for Keji He: the surname and, before or after it,
    a few letters of the given name starting with its initial."""
    for short in (form.removeprefix(surname), form.removesuffix(surname)):
        if short != form and 0 < len(short) <= MAX_INITIALS and _abbreviates(short, given):
            return True
    return False


def _abbreviates(short: str, given: str) -> bool:
    if short[0] != given[0]:
        return False
    rest = iter(given[1:])
    return all(letter in rest for letter in short[1:])


def _organisation(owner: str, who: Authorship) -> Iterator[str]:
    """Why the owner is the authors' organisation: its first word (or all its words glued)
    names an e-mail domain or an affiliation of the authors."""
    words = owner_words(owner)
    if not words:
        return
    forms = _forms([words[0]]) | _forms(["".join(words)])
    for address in who.emails:
        domain = address.split("@", 1)[-1]
        label = _domain_label(domain)
        if label and label in forms:
            yield f"owner {owner!r} is the authors' organisation (e-mail domain {domain})"
            return
    for affiliation in who.affiliations:
        for index, unit in enumerate(affiliation.split(",")):
            # After the first comma a single word is a place ("..., Shanghai, China").
            if (index == 0 or len(unit.split()) > 1) and forms & _org_names(unit):
                yield f"owner {owner!r} is the authors' organisation ({unit.strip()})"
                return


def _domain_label(domain: str) -> str | None:
    """The name a domain registers ("cs.stanford.edu" -> "stanford", "x.ac.uk" -> "x");
    None for mail providers and names too short to tell apart."""
    labels = domain.casefold().split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        label = labels[-3]
    elif len(labels) >= 2:
        label = labels[-2]
    else:
        return None
    label = "".join(w for w in re.split(r"[^a-z0-9]+", label) if w not in _AFFIXES)
    if label in _MAIL_PROVIDERS or len(label) < MIN_ORG:
        return None
    return label


def _org_names(unit: str) -> set[str]:
    """How an owner may name one affiliation: its distinctive words, their concatenation and
    the acronym of its capitalised words ("Institute for Advanced Algorithms Research" ->
    "iaar"), and any acronym it gives in parentheses."""
    words = re.findall(r"[^\W\d_][\w&'\u2019-]*", unit)
    distinctive = [fold(w) for w in words if fold(w) and fold(w) not in _GENERIC]
    names = {w for w in distinctive if len(w) >= MIN_ORG}
    if distinctive:
        names.add("".join(distinctive))
    capitals = [w for w in words if w[0].isupper() and fold(w) not in ("of", "for", "and", "the")]
    acronym = "".join(fold(w)[:1] for w in capitals)
    if len(capitals) >= MIN_ORG:
        names.add(acronym)
    names |= {fold(a) for a in re.findall(r"\(([A-Za-z][\w-]{1,15})\)", unit)}
    return {name for name in names if len(name) >= MIN_ORG}
