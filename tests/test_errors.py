"""One root for every error fwcensus raises, and what the CLI prints for an error, for a bug
(with --debug too), and with -v."""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import fwcensus
from fwcensus import errors, pipeline
from fwcensus.cli import _configure_logging, app
from fwcensus.errors import (
    ConfigError,
    FetchError,
    FetchTimeout,
    FwcensusError,
    HTTPStatusError,
    ManifestError,
    RequestError,
    SourceError,
    StoreError,
)
from fwcensus.fetch.client import FetchSettings, HttpClient
from fwcensus.store import Store

URL = "https://openaccess.thecvf.com/CVPR2024?day=all"


def fwcensus_exceptions() -> dict[str, type[BaseException]]:
    """Every exception class defined in a module of the package, by its qualified name."""
    found: dict[str, type[BaseException]] = {}
    for module in pkgutil.walk_packages(fwcensus.__path__, "fwcensus."):
        if module.name == "fwcensus.__main__":  # runs the CLI when imported
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.name
            ):
                found[f"{module.name}.{name}"] = value
    return found


def test_every_custom_exception_is_a_fwcensus_error() -> None:
    found = fwcensus_exceptions()
    assert len(found) >= 25  # the walk saw the tree (errors.py) and the private ones beside it
    assert [name for name, cls in found.items() if not issubclass(cls, FwcensusError)] == []


def test_the_tree_as_the_module_draws_it() -> None:
    drawn = errors.__doc__ or ""
    for cls in vars(errors).values():
        if inspect.isclass(cls) and issubclass(cls, FwcensusError):
            assert re.search(rf"^    (.*── )?{cls.__name__}\b", drawn, re.M), cls  # in the tree
    assert issubclass(HTTPStatusError, FetchError) and issubclass(FetchError, RequestError)
    assert issubclass(ConfigError, ValueError) and issubclass(ManifestError, ValueError)
    assert issubclass(ManifestError, SourceError)


def test_a_status_error_on_every_attempt_is_an_http_status_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404 if request.url.path.endswith("robots.txt") else 503)

    client = HttpClient(FetchSettings(attempts=2), httpx.MockTransport(handler), lambda _: None)
    with pytest.raises(HTTPStatusError) as failed:
        client.get(URL)
    assert (failed.value.status, failed.value.attempts) == (503, 2)
    assert str(failed.value) == f"{URL}: HTTP 503"


def test_no_answer_in_time_on_every_attempt_is_a_fetch_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("robots.txt"):
            return httpx.Response(404)
        raise httpx.ReadTimeout("slow", request=request)

    client = HttpClient(FetchSettings(attempts=2), httpx.MockTransport(handler), lambda _: None)
    with pytest.raises(FetchTimeout, match=r": timeout \(ReadTimeout\)$"):
        client.get(URL)


def test_retries_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    answers = iter([503, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404 if request.url.path.endswith("robots.txt") else next(answers))

    client = HttpClient(FetchSettings(attempts=3), httpx.MockTransport(handler), lambda _: None)
    with caplog.at_level(logging.DEBUG, logger="fwcensus"):
        client.get(URL)
    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    (retry,) = [text for level, text in lines if level == "INFO"]
    assert re.fullmatch(rf"{re.escape(URL)}: HTTP 503; attempt 2 of 3 in \d+\.\ds", retry)
    assert ("DEBUG", f"GET {URL}: HTTP 200") in lines


@pytest.fixture
def traceback_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the CLI writes a bug's traceback file (the temporary folder, here the test's)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def failing(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    def aggregate(*args: object) -> None:
        raise exc

    monkeypatch.setattr(pipeline, "aggregate", aggregate)


def test_an_error_of_fwcensus_is_one_line(
    tmp_path: Path, traceback_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing(monkeypatch, StoreError("the [pdf] store is locked"))
    result = CliRunner().invoke(app, ["aggregate", "--db", str(tmp_path / "f.db")])
    assert result.exit_code == 1
    assert result.output == "error: the [pdf] store is locked\n"  # brackets are not markup
    assert list(traceback_dir.iterdir()) == []


def test_a_bad_option_value_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    db = str(tmp_path / "f.db")
    result = CliRunner().invoke(app, ["export", "nope", "-o", str(out), "--db", db])
    assert result.exit_code == 1
    assert result.output.startswith("error: unknown table 'nope'; known: papers, ")
    assert len(result.output.splitlines()) == 1
    assert not out.exists()  # checked before the file is opened


def test_a_file_that_is_not_a_store_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    db.write_text("not sqlite\n" * 100)
    result = CliRunner().invoke(app, ["status", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == f"error: cannot open store {db}: file is not a database\n"


def test_anything_else_is_a_bug_with_its_traceback_in_a_file(
    tmp_path: Path, traceback_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing(monkeypatch, RuntimeError("boom"))
    result = CliRunner().invoke(app, ["aggregate", "--db", str(tmp_path / "f.db")])
    assert result.exit_code == 1
    (saved,) = traceback_dir.iterdir()
    assert re.fullmatch(r"fwcensus-traceback-\d{8}-\d{6}-\w+\.txt", saved.name)
    assert result.output.splitlines() == [
        "error: unexpected RuntimeError: boom",
        f"This is a bug in fwcensus; please report it at {fwcensus.HOMEPAGE}/issues with the"
        f" traceback saved in {saved} (--debug prints it instead).",
    ]
    text = saved.read_text()
    assert text.startswith(f"fwcensus {fwcensus.__version__}, Python ")
    assert "Traceback (most recent call last):" in text
    assert "in aggregate\n" in text and text.endswith("RuntimeError: boom\n")
    with Store(tmp_path / "f.db") as store:  # the run is kept, as failed
        (run,) = store.conn.execute("SELECT command, outcome FROM runs").fetchall()
    assert tuple(run) == ("aggregate", "error: boom")


def test_debug_prints_the_traceback_instead(
    tmp_path: Path, traceback_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing(monkeypatch, RuntimeError("boom"))
    result = CliRunner().invoke(app, ["--debug", "aggregate", "--db", str(tmp_path / "f.db")])
    assert result.exit_code == 1
    assert result.output.startswith("Traceback (most recent call last):")
    assert result.output.endswith(
        "RuntimeError: boom\nerror: unexpected RuntimeError: boom\nThis is a bug in fwcensus;"
        f" please report it at {fwcensus.HOMEPAGE}/issues with the traceback above.\n"
    )
    assert list(traceback_dir.iterdir()) == []


def test_the_environment_asks_for_the_traceback_too(
    tmp_path: Path, traceback_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing(monkeypatch, RuntimeError("boom"))
    args = ["aggregate", "--db", str(tmp_path / "f.db")]
    result = CliRunner().invoke(app, args, env={"FWCENSUS_DEBUG": "1"})
    assert result.exit_code == 1
    assert result.output.startswith("Traceback (most recent call last):")
    assert list(traceback_dir.iterdir()) == []


def test_debug_shows_where_an_error_of_fwcensus_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing(monkeypatch, ConfigError("bad"))
    result = CliRunner().invoke(app, ["--debug", "aggregate", "--db", str(tmp_path / "f.db")])
    assert result.exit_code == 1
    assert "Traceback (most recent call last):" in result.output
    assert result.output.endswith("fwcensus.errors.ConfigError: bad\nerror: bad\n")


@pytest.fixture
def quiet_after() -> Iterator[None]:
    """The logging -v set up stays with the process: later tests must not see it."""
    yield
    _configure_logging(0)


def info_lines(output: str) -> list[str]:
    """The INFO lines' text, without their time."""
    return [line.split(" INFO ", 1)[1] for line in output.splitlines() if " INFO " in line]


def test_verbose_logs_the_stages_and_quiet_again_logs_nothing(
    tmp_path: Path, quiet_after: None
) -> None:
    db = str(tmp_path / "f.db")
    result = CliRunner().invoke(app, ["-v", "aggregate", "--db", db])
    assert result.exit_code == 0, result.output
    logged = info_lines(result.output)
    assert logged[0] == "fwcensus.pipeline: aggregate (evidence): started"
    assert logged[1].startswith("fwcensus.pipeline: aggregate (evidence): done in ")
    quiet = CliRunner().invoke(app, ["aggregate", "--db", db])
    assert quiet.output == "aggregate (evidence): 0 venue-years\n"


def test_verbose_says_how_much_work_a_stage_has(tmp_path: Path, quiet_after: None) -> None:
    result = CliRunner().invoke(app, ["-v", "detect", "--db", str(tmp_path / "f.db")])
    assert result.exit_code == 0, result.output
    assert "fwcensus.detect.stage: detect (evidence): 0 papers to judge" in info_lines(
        result.output
    )


def test_twice_verbose_logs_details_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet_after: None
) -> None:
    def aggregate(*args: object) -> None:
        logging.getLogger("fwcensus.aggregate").debug("a detail")

    monkeypatch.setattr(pipeline, "aggregate", aggregate)
    db = str(tmp_path / "f.db")
    once = CliRunner().invoke(app, ["-v", "aggregate", "--db", db])
    assert "a detail" not in once.output
    twice = CliRunner().invoke(app, ["-vv", "aggregate", "--db", db])
    assert " DEBUG fwcensus.aggregate: a detail\n" in twice.output
