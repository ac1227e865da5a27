"""The answer in words: a few sentences generated from the shares, each with its counts.

Every number in a sentence is a count of the tables (a :class:`Count`, drawn as a button that
lists its papers) or a share with its 95% interval computed from those counts, so a sentence
can never say more than the data do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.stage import ALL_VENUES
from fwcensus.models import ShareRow

PAIR = ("pytorch", "tensorflow")


@dataclass(frozen=True)
class Count:
    """A number in a sentence: the papers of one measure of the evidence browser."""

    value: int
    venue: str
    year: int
    measure: str  # a key of browser.js MEASURES
    framework: str = ""


@dataclass(frozen=True)
class Sentence:
    parts: tuple[str | Count, ...]
    venue: str
    year: int

    @property
    def text(self) -> str:
        return "".join(str(p.value) if isinstance(p, Count) else p for p in self.parts)


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def interval(row: ShareRow | fw.FrameworkRow) -> str:
    return f"{pct(row.share)} [{pct(row.ci_low)}, {pct(row.ci_high)}]"


def one_of_two(row: ShareRow) -> int:
    return row.pytorch_only + row.tensorflow_only


def judged(row: ShareRow) -> int:
    """Papers with a verdict: using PyTorch, TensorFlow, or neither."""
    return row.pytorch + row.tensorflow - row.both + row.neither


def where(venue: str, year: int) -> str:
    return f"over all venues in {year}" if venue == ALL_VENUES else f"at {venue} {year}"


def sentences(
    shares: Sequence[ShareRow],
    landscape: Sequence[fw.FrameworkRow],
    names: dict[str, str],
    measures: tuple[str, str],
) -> list[Sentence]:
    """The headline in words: the latest year, the change since the first, the venues at
    either end, what the share leaves out, and the most used other framework. ``landscape``:
    the landscape's rows (one source, ``of-framework-papers``); ``measures``: the browser's
    measures of its papers and base."""
    rows = [r for r in shares if r.share is not None and r.track == "main"]
    venues = {r.venue for r in rows}
    overall = [r for r in rows if r.venue == ALL_VENUES] or (rows if len(venues) == 1 else [])
    if not overall:
        overall = [max(rows, key=one_of_two)] if rows else []
    if not overall:
        return []
    overall.sort(key=lambda r: r.year)
    last, first = overall[-1], overall[0]
    out = [_headline(last)]
    if first.year != last.year:
        out.append(_change(first, last))
    out += _venue_range(rows, last.year)
    out.append(_left_out(last))
    out += _other_framework(landscape, last.venue, last.year, names, measures)
    return out


def _share_counts(row: ShareRow) -> tuple[Count, Count]:
    return (
        Count(row.pytorch_only, row.label, row.year, "pytorch_only"),
        Count(one_of_two(row), row.label, row.year, "one_of_two"),
    )


def _headline(row: ShareRow) -> Sentence:
    k, n = _share_counts(row)
    place = where(row.label, row.year)
    return Sentence(
        (
            f"{place[0].upper()}{place[1:]}, ",
            k,
            " of ",
            n,
            f" papers that used one of PyTorch and TensorFlow (not both) used PyTorch: "
            f"{interval(row)}.",
        ),
        row.label,
        row.year,
    )


def _change(first: ShareRow, last: ShareRow) -> Sentence:
    k, n = _share_counts(first)
    direction = "up" if last.share > first.share else "down"  # type: ignore[operator]
    apart = last.ci_low > first.ci_high or last.ci_high < first.ci_low  # type: ignore[operator]
    verdict = (
        "the two intervals do not overlap, so the change is larger than sampling error"
        if apart
        else "the two intervals overlap, so sampling alone could explain the change"
    )
    return Sentence(
        (
            f"That is {direction} from {interval(first)} in {first.year} (",
            k,
            " of ",
            n,
            f"); {verdict}.",
        ),
        first.label,
        first.year,
    )


def _venue_range(rows: Sequence[ShareRow], year: int) -> list[Sentence]:
    venues = sorted(
        (r for r in rows if r.year == year and r.venue != ALL_VENUES), key=lambda r: r.share or 0
    )
    if len(venues) < 2:
        return []
    low, high = venues[0], venues[-1]
    hk, hn = _share_counts(high)
    lk, ln = _share_counts(low)
    return [
        Sentence(
            (
                f"In {year} the share was highest at {high.label}, ",
                hk,
                " of ",
                hn,
                f" ({interval(high)}), and lowest at {low.label}, ",
                lk,
                " of ",
                ln,
                f" ({interval(low)}).",
            ),
            high.label,
            year,
        )
    ]


def _left_out(row: ShareRow) -> Sentence:
    place = where(row.label, row.year)
    return Sentence(
        (
            "Left out of that share ",
            f"{place}: ",
            Count(row.both, row.label, row.year, "both"),
            " papers that used both and ",
            Count(row.neither, row.label, row.year, "neither"),
            " that used neither, of ",
            Count(judged(row), row.label, row.year, "judged"),
            " papers with a verdict.",
        ),
        row.label,
        row.year,
    )


def _other_framework(
    landscape: Sequence[fw.FrameworkRow],
    venue: str,
    year: int,
    names: dict[str, str],
    measures: tuple[str, str],
) -> list[Sentence]:
    here = [r for r in landscape if (r.venue, r.year) == (venue, year)]
    others = [r for r in here if r.framework not in PAIR]
    if not others:
        return []  # the method finds no other framework (substring-2019)
    others = [r for r in others if r.papers]
    if not others:
        return [
            Sentence((f"No other catalogue framework was used {where(venue, year)}.",), venue, year)
        ]
    top = max(others, key=lambda r: (r.papers, r.framework))
    used, base = measures
    return [
        Sentence(
            (
                f"Beyond the two, the most used framework {where(venue, year)} was "
                f"{names.get(top.framework, top.framework)}: ",
                Count(top.papers, venue, year, used, top.framework),
                " of ",
                Count(top.base, venue, year, base),
                f" papers that used any catalogue framework ({interval(top)}).",
            ),
            venue,
            year,
        )
    ]
