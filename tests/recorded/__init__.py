"""Checks on the team's third-party material, which the project never copies: the recorded
payloads and the real development papers in the shared folder ($FWCENSUS_SHARED, default
``shared`` beside the repository). Run them with ``pytest -m recorded``; the default ``pytest``
deselects them (every test under this folder is marked ``recorded`` by tests/conftest.py)."""
