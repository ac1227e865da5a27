"""The detection methods' names, apart from the detectors: the CLI lists and checks them at start
without loading the rules and the framework catalogue."""

from __future__ import annotations

SUBSTRING_2019 = "substring-2019"
EVIDENCE = "evidence"
METHODS = (EVIDENCE, SUBSTRING_2019)  # the default first
