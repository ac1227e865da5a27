"""Industry signals as monthly series per framework: the framework's total per measure and
period (its counted series added up) and its share among the frameworks measured that period,
or, for a measure with a ``share_of``, its part of that measure (job posts naming a framework of
all the month's posts).

Shares are the comparable figure across time: a source whose overall volume changes (Stack
Overflow after 2023, PyPI with CI traffic) moves every framework's raw count at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fwcensus.store import Store


@dataclass(frozen=True)
class SignalPoint:
    signal: str
    measure: str
    unit: str
    kind: str  # monthly | snapshot
    framework: str
    period: str
    value: float
    share: float | None  # of the frameworks' total that period, or of the measure's share_of
    # (posts naming a framework of all posts); None when that is 0
    complete: bool  # False: the period is not over (a partial month)
    series: int  # series added up into value
    as_of: str  # latest retrieval among them


def signal_points(store: Store) -> list[SignalPoint]:
    measures = {
        (m["name"], measure["name"]): measure
        for m in store.signals.meta()
        for measure in m["measures"]
    }
    return points_from(store.signals.value_rows(), measures)


@dataclass
class _Sum:
    value: float = 0.0
    complete: bool = True
    series: int = 0
    as_of: str = ""


Measures = Mapping[tuple[str, str], Mapping[str, str]]  # (signal, measure) -> unit, kind, ...


def points_from(rows: Iterable[Mapping[str, Any]], measures: Measures) -> list[SignalPoint]:
    sums: dict[tuple[str, str, str, str], _Sum] = defaultdict(_Sum)
    for row in rows:
        if not row["counted"]:
            continue  # companions (jaxlib beside jax) would count every install twice
        acc = sums[(row["signal"], row["measure"], row["period"], row["framework"])]
        acc.value += row["value"]
        acc.complete = acc.complete and row["complete"]
        acc.series += 1
        acc.as_of = max(acc.as_of, row["retrieved_at"])
    whole: dict[tuple[str, str, str], float] = defaultdict(float)
    for (signal, measure, period, _), acc in sums.items():
        whole[(signal, measure, period)] += acc.value
    denominators = {(s, m["share_of"]) for (s, _), m in measures.items() if m.get("share_of")}
    points = []
    for (signal, measure, period, framework), acc in sorted(sums.items()):
        meta = measures.get((signal, measure), {})
        if meta.get("share_of"):
            base = sums.get((signal, meta["share_of"], period, framework))
            total = base.value if base else 0.0
        elif (signal, measure) in denominators:
            total = 0.0  # a denominator (all job posts) has no share of its own
        else:
            total = whole[(signal, measure, period)]
        points.append(
            SignalPoint(
                signal=signal,
                measure=measure,
                unit=meta.get("unit", ""),
                kind=meta.get("kind", "monthly"),
                framework=framework,
                period=period,
                value=acc.value,
                share=acc.value / total if total else None,
                complete=acc.complete,
                series=acc.series,
                as_of=acc.as_of,
            )
        )
    return points
