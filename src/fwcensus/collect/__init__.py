"""Collect: the stage that asks each source for its listings and stores the papers they list,
links the versions of one work across sources, and asks arXiv for venue papers' preprints.
Sources only parse; the requests are made here."""
