"""What tests of the GitHub stars signal build on beside the demo's answers
(``fwcensus.demo.sites.github_stars_site``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from fwcensus.demo.sites.github_stars_site import month_days


def spread_months(monthly: Mapping[str, int], today: date) -> dict[date, int]:
    """Stars per day that add up to ``monthly`` (YYYY-MM -> stars), as evenly as whole stars go."""
    daily: dict[date, int] = {}
    for month, stars in monthly.items():
        days = month_days(month, today)
        share, rest = divmod(stars, len(days))
        daily.update({day: share + (i < rest) for i, day in enumerate(days)})
    return daily
