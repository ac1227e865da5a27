"""Where the recorded material is; a test that needs it fails, never skips, when it is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from regenerate_facts import shared_root


def shared_dir() -> Path:
    folder = shared_root()
    if not (folder / "fixtures-real").is_dir():
        pytest.fail(
            f"recorded material not found at {folder}: set FWCENSUS_SHARED to the shared folder"
            " holding fixtures-real/, reference/ and eval/ (only `pytest -m recorded` needs it)",
            pytrace=False,
        )
    return folder
