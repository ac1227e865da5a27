"""The CLI starts without the libraries its commands load on demand (bench/cli_startup.py
times it); the names it lists at start are the ones the stages use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import fwcensus
from fwcensus.detect import stage
from fwcensus.detect.methods import METHODS
from fwcensus.signals import registry

# Charts, PDF reading and writing, HTTP, HTML parsing, templates, Parquet, worker pools.
HEAVY = ("altair", "vl_convert", "pypdfium2", "fpdf", "httpx", "hishel", "h2", "tenacity",
         "protego", "bs4", "jinja2", "pyarrow", "pebble")  # fmt: skip

# Runs the CLI in-process as the console script does, then lists the heavy modules loaded.
PROBE = """
import json, sys
from fwcensus.cli import app
try:
    app(sys.argv[1:], prog_name="fwcensus")
except SystemExit as stop:
    assert not stop.code, stop.code
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy})))
"""


def loaded_after(*args: str, cwd: Path) -> list[str]:
    code = PROBE.format(heavy=set(HEAVY))
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, check=True
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_help_loads_no_heavy_library(tmp_path: Path) -> None:
    assert loaded_after("--help", cwd=tmp_path) == []


def test_status_of_a_new_store_loads_no_heavy_library(tmp_path: Path) -> None:
    assert loaded_after("status", "--db", str(tmp_path / "new.db"), cwd=tmp_path) == []


def test_the_probe_sees_what_a_command_loads(tmp_path: Path) -> None:
    # Listing the venues asks every source, and the sources parse HTML with bs4.
    assert "bs4" in loaded_after("venues", "--json", cwd=tmp_path)


def test_version_comes_from_the_package_metadata() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fwcensus", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"fwcensus {fwcensus.__version__}\n"


def test_names_listed_at_start_are_the_stages_names() -> None:
    assert tuple(stage.METHODS) == METHODS
    assert [registry.load(name).name for name in registry.names()] == list(registry.names())
