"""Confidence intervals for proportions."""

from __future__ import annotations

import bisect
import math
import random

Z95 = 1.959963984540054  # two-sided 95% quantile of the standard normal


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval; unlike the normal approximation it stays inside [0, 1] and is
    usable for the small counts of early venue-years. None when there are no trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"successes {successes} outside 0..{trials}")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = (z / (1 + z2 / trials)) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials**2))
    return max(0.0, centre - half), min(1.0, centre + half)


# The bootstrap's binomials are evaluated this many standard deviations either side of their
# mean: what lies beyond weighs less than 1e-20, and a venue-year of 100,000 papers then costs a
# few thousand terms instead of 100,000.
TAIL_SDS = 10


def _binomial_cdf(n: int, p: float) -> tuple[int, list[float]]:
    """Cumulative probabilities of Binomial(n, p) at lo..hi, and lo: the counts within
    TAIL_SDS standard deviations of the mean (all of 0..n for small n), from log-pmfs (stable
    for large n)."""
    if p <= 0.0:
        return 0, [1.0]
    if p >= 1.0:
        return n, [1.0]
    spread = TAIL_SDS * math.sqrt(n * p * (1 - p)) + TAIL_SDS
    lo, hi = max(0, math.floor(n * p - spread)), min(n, math.ceil(n * p + spread))
    log_p, log_q = math.log(p), math.log1p(-p)
    logs = [
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + k * log_p
        + (n - k) * log_q
        for k in range(lo, hi + 1)
    ]
    top = max(logs)
    weights = [math.exp(v - top) for v in logs]
    total = sum(weights)
    out, running = [], 0.0
    for w in weights:
        running += w / total
        out.append(running)
    out[-1] = 1.0
    return lo, out


def bootstrap_ratio(
    num: tuple[int, int],
    den: tuple[int, int],
    factor: float = 1.0,
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float | None] | None:
    """Percentile bootstrap 95% interval of ``factor * k1 / k2`` where ``num = (k1, n1)`` and
    ``den = (k2, n2)`` are counts among two independent sets of papers (a framework's papers
    this year and last year). Each resample draws each set's papers with replacement, i.e. its
    count from Binomial(n, k / n), sampled exactly by inverting the CDF. Seeded: the same counts
    always give the same interval. None when the ratio is undefined (k2 == 0)."""
    (k1, n1), (k2, n2) = num, den
    if k2 <= 0 or n1 <= 0 or n2 <= 0:
        return None
    rng = random.Random(seed)
    (lo1, cdf1), (lo2, cdf2) = _binomial_cdf(n1, k1 / n1), _binomial_cdf(n2, k2 / n2)
    ratios = []
    for _ in range(resamples):
        a = lo1 + bisect.bisect_left(cdf1, rng.random())
        b = lo2 + bisect.bisect_left(cdf2, rng.random())
        ratios.append(math.inf if b == 0 else factor * a / b)
    ratios.sort()
    low = ratios[int(0.025 * (resamples - 1))]
    high = ratios[math.ceil(0.975 * (resamples - 1))]
    return low, (None if math.isinf(high) else high)  # None: no upper bound (0 drawn below)
