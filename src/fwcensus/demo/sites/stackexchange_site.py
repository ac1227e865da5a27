"""Write Stack Exchange API answers into a mirror folder, in the API's real structures.

The structures follow shared/fixtures-real/signals/stackexchange/ (PROVENANCE.md there): the
common wrapper object of a 2.x answer (``has_more``, ``quota_max``, ``quota_remaining`` as in
``search_advanced_2020-09-30_trimmed.json``), cut to ``{"total": N}`` by the built-in ``total``
filter as api.stackexchange.com/docs/filters and /docs/paging describe (no recording of a
``filter=total`` answer exists), and the spent-quota error of ``error_throttle_violation.json``
(HTTP 400, ``error_id`` 502, ``error_name`` ``throttle_violation``). Every URL is the one the
``stackoverflow`` signal asks (``questions_url``), so the two cannot drift apart.

``framework_level`` is the monthly interest curve of each framework that the demo's sample
answers (here and in the dev.to mirror) are drawn from.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals.base import month_of, months_between
from fwcensus.signals.stackoverflow import questions_url
from fwcensus.signals.targets import Target

SAMPLE_SINCE = "2015-01"


def write_total(
    root: Path,
    tag: str,
    month: str,
    total: int,
    *,
    key: str | None = None,
    backoff: int | None = None,
    quota_remaining: int | None = None,
) -> Path:
    """The ``filter=total`` answer for ``tag`` in ``month``; ``backoff`` and ``quota_remaining``
    are added as the wrapper carries them when the API sets them."""
    body: dict[str, int] = {}
    if backoff is not None:
        body["backoff"] = backoff
    if quota_remaining is not None:
        body["quota_max"] = 300
        body["quota_remaining"] = quota_remaining
    body["total"] = total
    return write_json_answer(root, questions_url(tag, month, key), body)


def write_totals(root: Path, tag: str, totals: Mapping[str, int]) -> None:
    """One answer per month of ``totals`` (month -> number of questions)."""
    for month, total in totals.items():
        write_total(root, tag, month, total)


@dataclass(frozen=True)
class Curve:
    """A framework's interest: nothing before ``launch``, a logistic rise to ``peak`` questions a
    month at ``peak_month``, then a decay of ``decay`` a month."""

    launch: str
    peak_month: str
    peak: float
    decay: float


# Roughly the size of each tag on Stack Overflow; PyTorch passes TensorFlow around 2020.
CURVES: dict[str, Curve] = {
    "tensorflow": Curve("2015-11", "2018-06", 2000, 0.03),
    "pytorch": Curve("2017-01", "2022-06", 1300, 0.005),
    "keras": Curve("2015-04", "2019-01", 1100, 0.02),
    "jax": Curve("2018-12", "2022-06", 60, 0.0),
    "mxnet": Curve("2015-09", "2018-01", 60, 0.04),
    "paddlepaddle": Curve("2016-09", "2021-01", 6, 0.02),
    "mindspore": Curve("2020-03", "2022-01", 4, 0.02),
    "mlx": Curve("2023-12", "2025-06", 8, 0.0),
}
OTHER = Curve("2018-01", "2021-01", 5, 0.01)
# Stack Overflow's own decline once chat assistants answered questions: about half a year on year.
SITE_DECLINE_FROM = "2023-01"
SITE_DECLINE = math.log(2) / 12


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def framework_level(framework: str, month: str) -> float:
    """The framework's expected monthly interest in ``month``, before any site's own trend."""
    curve = CURVES.get(framework, OTHER)
    t, launch, peak = _index(month), _index(curve.launch), _index(curve.peak_month)
    if t < launch:
        return 0.0
    if t >= peak:
        return curve.peak * math.exp(-curve.decay * (t - peak))
    steep = 8 / max(peak - launch, 1)
    return curve.peak / (1 + math.exp(-steep * (t - (launch + peak) / 2)))


def site_trend(month: str) -> float:
    over = _index(month) - _index(SITE_DECLINE_FROM)
    return math.exp(-SITE_DECLINE * over) if over > 0 else 1.0


def month_share(month: str, today: date) -> float:
    """How much of ``month`` has passed by ``today`` (1 for past months)."""
    if month < month_of(today):
        return 1.0
    nxt = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return today.day / (nxt - today.replace(day=1)).days


def write_sample(root: Path, targets: tuple[Target, ...], today: date, seed: int = 0) -> None:
    """Answers for every tag of ``targets`` and every month from 2015-01 to ``today``'s."""
    rng = random.Random(f"stackexchange:{seed}")
    for target in targets:
        for tag in target["stackoverflow"]:
            totals = {}
            for month in months_between(SAMPLE_SINCE, month_of(today)):
                level = framework_level(target.framework, month) * site_trend(month)
                noisy = level * month_share(month, today) * rng.gauss(1.0, 0.08)
                totals[month] = max(0, round(noisy))
            write_totals(root, tag, totals)
