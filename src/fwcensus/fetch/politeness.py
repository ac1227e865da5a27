"""The politeness defaults every host gets unless its plug-in declares otherwise.

The hosts that publish their own budget, and the documented APIs that are not crawled, are
declared by the plug-ins that ask them (``fwcensus.hosts``), gathered by ``fwcensus.plugins``
and handed to fetch in its settings: fetch knows no host by name.
"""

from __future__ import annotations

# Requests per second per host when the host publishes no budget of its own.
DEFAULT_RATE = 1.0
