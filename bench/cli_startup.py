"""CLI start-up: how long `fwcensus --help` and `fwcensus status` take, against `python -c pass`.

Each command runs as a user runs it, the installed console script in a new process, in a fresh
temporary folder (so `status` opens a new, empty store there), several times in turn with the
baseline; the median wall time of each is printed, absolute and as a ratio to the baseline,
with the modules each loads beyond the interpreter's own (`-X importtime`, the heaviest first).
The goal is under 0.3 s of wall time for both commands.

    .venv/bin/python bench/cli_startup.py                  # 15 rounds
    .venv/bin/python bench/cli_startup.py --rounds 3       # a smoke test
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 0.3  # seconds of wall time


def commands() -> dict[str, list[str]]:
    script = shutil.which("fwcensus", path=str(Path(sys.executable).parent))
    if script is None:
        sys.exit(f"no fwcensus console script beside {sys.executable}: pip install -e . first")
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "fwcensus --help": [script, "--help"],
        "fwcensus status": [script, "status", "--db", "new.db"],
    }


def wall_time(argv: list[str], folder: Path) -> float:
    (folder / "new.db").unlink(missing_ok=True)
    for sidecar in folder.glob("new.db*"):
        shutil.rmtree(sidecar) if sidecar.is_dir() else sidecar.unlink()
    start = time.perf_counter()
    subprocess.run(argv, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)  # fmt: skip
    return time.perf_counter() - start


def heaviest_imports(argv: list[str], folder: Path, count: int = 5) -> str:
    """The top-level packages the command imports, by cumulative import time."""
    python = [sys.executable, "-X", "importtime", "-m", "fwcensus", *argv[1:]]
    result = subprocess.run(python, cwd=folder, capture_output=True, text=True, check=True)
    top: dict[str, int] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if name.startswith("   ") or not cumulative.strip().isdigit():
            continue  # nested: counted in its top-level importer
        top[name.strip()] = int(cumulative)
    heavy = sorted(top.items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{name} {micros / 1000:.0f} ms" for name, micros in heavy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    runs = commands()
    times: dict[str, list[float]] = {name: [] for name in runs}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for argv in runs.values():  # warm the file cache and the bytecode once
            wall_time(argv, folder)
        for _ in range(args.rounds):
            for name, argv in runs.items():
                times[name].append(wall_time(argv, folder))
        imports = {name: heaviest_imports(argv, folder) for name, argv in runs.items()
                   if name != "python -c pass"}  # fmt: skip

    base = statistics.median(times["python -c pass"])
    print(f"{platform.python_implementation()} {platform.python_version()}, "
          f"{args.rounds} rounds, median wall time")  # fmt: skip
    print(f"{'command':<18}{'median':>10}{'min':>10}{'max':>10}{'x baseline':>12}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<18}{median:>9.3f}s{min(values):>9.3f}s{max(values):>9.3f}s"
              f"{median / base:>11.1f}x")  # fmt: skip
    print()
    for name, heavy in imports.items():
        median = statistics.median(times[name])
        verdict = "under" if median < GOAL else "OVER"
        print(f"{name}: {median:.3f} s, {verdict} the {GOAL} s goal; heaviest imports: {heavy}")


if __name__ == "__main__":
    main()
