"""Aggregate: counts, shares and confidence intervals per venue, year and framework."""
