"""``fwcensus signals`` end to end over the demo's signal mirror: every signal stores series, a
re-run asks only for the month not over yet, a spent quota exits 75 and keeps the months read,
and the series reach the exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fwcensus.cli import EX_TEMPFAIL, app
from fwcensus.demo.signals_sample import DEMO_ENV, SINCE, write_signal_samples
from fwcensus.demo.sites import stackexchange_site
from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals import registry
from fwcensus.signals.base import month_of
from fwcensus.signals.so_survey import load_years
from fwcensus.signals.stackoverflow import questions_url
from fwcensus.signals.targets import load_targets
from fwcensus.store import Store

from conftest import Serve

KEYS = ("GITHUB_TOKEN", "STACKEXCHANGE_KEY", "HF_TOKEN")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("signals-mirror")
    write_signal_samples(root, datetime.now(UTC).date())
    return root


def signals(db: Path, url: str, *args: str) -> tuple[int, str]:
    # The sample answers requests made without keys, but for the jobs API's demo key.
    env = {key: "" for key in KEYS} | DEMO_ENV
    result = CliRunner().invoke(
        app,
        ["signals", "--db", str(db), "--mirror", url, "--rate", "0", "--since", SINCE, *args],
        env=env,
    )
    return result.exit_code, result.output


def test_every_signal_stores_series_and_a_rerun_asks_only_for_this_month(
    sample: Path, serve: Serve, tmp_path: Path
) -> None:
    server = serve(sample)
    db = tmp_path / "fwcensus.db"
    code, output = signals(db, server.url)
    assert code == 0, output
    with Store(db) as store:
        counts = store.signals.counts()
        stored = list(store.signals.value_rows())
    # arxiv-mentions counts the store's own arXiv papers: this store holds none.
    assert set(counts) == set(registry.names()) - {"arxiv-mentions"}
    today = datetime.now(UTC).date()
    this_month = month_of(today)
    monthly = {name: latest for name, (_, latest) in counts.items()}
    # Monthly series reach this month; the rest end where their source does.
    published = min(max(load_years()), today.year - (today.month < 7))
    assert monthly.pop("so-survey") == str(published)  # yearly
    assert monthly.pop("pwc-archive") == min("2025-07", this_month)
    assert monthly.pop("conda-downloads") < this_month  # a month is published after it
    assert all(latest == this_month for latest in monthly.values())
    first = len(server.requests)

    code, output = signals(db, server.url)
    assert code == 0, output
    again = server.requests[first:]
    # Only what can still change is asked again: the stars snapshot, the month not over yet,
    # today's job counts; no survey year, package-data month or archive again.
    assert 0 < len(again) < first / 10
    assert not any(r.endswith((".zip", ".parquet")) for r in again)
    with Store(db) as store:
        assert len(list(store.signals.value_rows())) == len(stored)


def test_a_spent_quota_exits_75_and_keeps_the_months_read(serve: Serve, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    stackexchange_site.write_sample(mirror, load_targets(), datetime.now(UTC).date())
    message = "too many requests from this IP, more requests available in 80000 seconds"
    throttle = {"error_id": 502, "error_message": message, "error_name": "throttle_violation"}
    for target in load_targets():  # month-major: the quota ends at 2016-01
        for tag in target["stackoverflow"]:
            write_json_answer(mirror, questions_url(tag, "2016-01"), throttle, status=400)
    db = tmp_path / "fwcensus.db"
    code, output = signals(db, serve(mirror).url, "--only", "stackoverflow")
    assert code == EX_TEMPFAIL, output
    assert message in " ".join(output.split())  # the console wraps long lines
    with Store(db) as store:
        months = {r["period"] for r in store.signals.value_rows("stackoverflow")}
        [run] = store.signals.last_runs()
    assert months == {f"2015-{m:02d}" for m in range(1, 13)}
    assert run["outcome"] == "stopped"


def test_exports_carry_the_series(sample: Path, serve: Serve, tmp_path: Path) -> None:
    db = tmp_path / "fwcensus.db"
    code, output = signals(db, serve(sample).url, "--only", "devto", "--only", "huggingface")
    assert code == 0, output
    result = CliRunner().invoke(app, ["export", "signals", "--db", str(db)])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["signal"] for r in rows} == {"devto", "huggingface"}
    assert all(r["requests"].startswith("https://") for r in rows)
    result = CliRunner().invoke(app, ["export", "signal-shares", "--db", str(db), "--format",
                                      "json"])  # fmt: skip
    shares = json.loads(result.stdout)
    month = max(p["period"] for p in shares if p["signal"] == "devto" and p["complete"])
    total = sum(p["share"] for p in shares if p["signal"] == "devto" and p["period"] == month
                and p["share"] is not None)  # fmt: skip
    assert total == pytest.approx(1.0)


def test_since_must_be_a_month(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["signals", "--db", str(tmp_path / "x.db"), "--since", "2019"])
    assert result.exit_code != 0
    assert "YYYY-MM" in result.output


def test_a_missing_job_api_key_says_what_to_set_and_the_others_go_on(
    sample: Path, serve: Serve, tmp_path: Path
) -> None:
    db = tmp_path / "fwcensus.db"
    result = CliRunner().invoke(
        app,
        ["signals", "--db", str(db), "--mirror", serve(sample).url, "--rate", "0",
         "--since", SINCE, "--only", "jobs", "--only", "so-survey"],
        env={key: "" for key in (*KEYS, *DEMO_ENV)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "signals jobs: no ADZUNA_APP_ID/ADZUNA_APP_KEY: set both" in output
    with Store(db) as store:
        assert set(store.signals.counts()) == {"so-survey"}
