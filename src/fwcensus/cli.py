"""The ``fwcensus`` command: a thin Typer layer over ``fwcensus.pipeline``; no logic of its own."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape
from typer.core import TyperGroup
from typer.exceptions import TyperException

# Only what the options and --help need is imported here; each command imports the rest (HTTP,
# PDF, charts) when it runs, so the CLI starts fast.
from fwcensus import HOMEPAGE
from fwcensus.detect.methods import EVIDENCE, METHODS, SUBSTRING_2019
from fwcensus.errors import ConfigError, FwcensusError
from fwcensus.extract.limits import Limits
from fwcensus.fetch.settings import FetchSettings
from fwcensus.models import Selection
from fwcensus.progress import console
from fwcensus.report.export import TABLES, check_export, export
from fwcensus.signals.registry import DEFAULT_SINCE
from fwcensus.signals.registry import names as signal_names
from fwcensus.store import DEFAULT_DB, Store


class _OneLineErrors(TyperGroup):
    """Runs every command (sub-apps' too) under one policy for what escapes it: an error the
    user can act on is one line; anything else is a bug, said so, its traceback kept."""

    # Any: the parameter's type is typer's vendored click Context, which typer keeps private.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise  # usage errors, --help, exit codes: Typer's own business
        except Exception as exc:
            _fail(exc, debug=bool(ctx.params.get("debug")))


app = typer.Typer(
    cls=_OneLineErrors,
    help="Measure which ML frameworks research papers use, with evidence for every count.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
mirror_app = typer.Typer(help="The local mirror server (tests, demo, offline runs).")
app.add_typer(mirror_app, name="mirror")
bulk_app = typer.Typer(help="Whole archives read in bulk on a Dask cluster (arXiv's S3 tars).")
app.add_typer(bulk_app, name="bulk")


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        typer.echo(f"fwcensus {version('fwcensus')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            help="Log what happens to stderr: -v the stages, retries, waits and what is left"
            " out; -vv every request and item too. Give it before the command.",
        ),
    ] = 0,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            envvar="FWCENSUS_DEBUG",
            help="On a failure, print the traceback (else an unexpected one goes to a file).",
        ),
    ] = False,
) -> None:
    """The options of fwcensus itself (the help text is the Typer app's, above)."""
    _configure_logging(verbose)


class _ConsoleHandler(logging.Handler):
    """Log lines go through the console the progress bars draw on, so a line never tears a
    bar; the console writes to whatever sys.stderr is at the time."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            console.print(self.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:
            self.handleError(record)


_LOG_HANDLER = _ConsoleHandler()
_LOG_HANDLER.setFormatter(
    logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")
)


def _configure_logging(verbose: int) -> None:
    """fwcensus's own loggers at INFO (-v) or DEBUG (-vv); other libraries' stay as they are.
    Without -v nothing is configured, so stderr shows what it always did."""
    logger = logging.getLogger("fwcensus")
    # Set anew on every invocation: tests run many in one process.
    logger.removeHandler(_LOG_HANDLER)
    logger.setLevel(logging.NOTSET)
    if verbose:
        logger.addHandler(_LOG_HANDLER)
        logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)


DbOpt = Annotated[
    Path, typer.Option("--db", envvar="FWCENSUS_DB", help="SQLite store (blobs live beside it).")
]
VenueOpt = Annotated[
    list[str] | None, typer.Option("--venue", help="Venue, e.g. CVPR (repeatable; default all).")
]
YearOpt = Annotated[
    list[int] | None, typer.Option("--year", help="Year (repeatable; default all).")
]
MirrorOpt = Annotated[
    str | None,
    typer.Option(
        "--mirror",
        envvar="FWCENSUS_MIRROR",
        help="Fetch https://HOST/PATH?Q from MIRROR/HOST/PATH?Q instead of the real site.",
    ),
]
RateOpt = Annotated[
    float, typer.Option("--rate", help="Requests per second per host (0: no limit, mirrors only).")
]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="Read timeout per request, seconds.")]
AttemptsOpt = Annotated[int, typer.Option("--attempts", help="Tries per request (429/5xx/errors).")]
ConnectionsOpt = Annotated[
    int, typer.Option("--connections", help="Downloads in flight over all hosts.")
]
PerHostOpt = Annotated[int, typer.Option("--per-host", help="Downloads in flight per host.")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", help="Extraction processes.")]
PdfSecondsOpt = Annotated[float, typer.Option("--pdf-seconds", help="Time limit per PDF.")]
PdfMemoryOpt = Annotated[int, typer.Option("--pdf-memory-mb", help="Memory limit per PDF worker.")]
MethodOpt = Annotated[
    str,
    typer.Option(
        "--method",
        help=f"Detection method shown: {', '.join(METHODS)} ({SUBSTRING_2019}: the 2019 study's"
        " method, for comparison).",
    ),
]
MethodsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--method", help=f"Detection method (repeatable; default all: {', '.join(METHODS)})."
    ),
]
ReportDirOpt = Annotated[Path, typer.Option("--out", help="Report folder.")]


def _say(message: str) -> None:
    console.print(message, highlight=False)


def _selection(venues: list[str] | None, years: list[int] | None) -> Selection:
    if not venues:  # every venue: the sources need not be loaded to check names
        return Selection(years=tuple(years or ()))
    from fwcensus.sources.registry import ALL, canonical_venue

    try:
        names = tuple(canonical_venue(v) for v in venues)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--venue") from None
    if ALL in names:
        names = ()
    return Selection(venues=names, years=tuple(years or ()))


def _network_selection(venues: list[str] | None, years: list[int] | None) -> Selection:
    """Commands that go to the network collect nothing unasked: a venue (or ``all``) is named."""
    if not venues:
        raise typer.BadParameter(
            "name a venue (e.g. --venue CVPR) or --venue all", param_hint="--venue"
        )
    return _selection(venues, years)


def _methods(names: list[str] | None) -> tuple[str, ...]:
    unknown = [n for n in names or () if n not in METHODS]
    if unknown:
        raise typer.BadParameter(f"unknown method {unknown[0]!r}", param_hint="--method")
    return tuple(names or METHODS)


def _settings(
    mirror: str | None,
    rate: float,
    timeout: float,
    attempts: int,
    connections: int = FetchSettings.max_connections,
    per_host: int = FetchSettings.per_host,
) -> FetchSettings:
    # Loads every plug-in to read their hosts: only commands that go to the network pay for it.
    from fwcensus.plugins import fetch_settings

    return fetch_settings(
        mirror=mirror or None,
        rate=rate,
        read_timeout=timeout,
        attempts=attempts,
        max_connections=connections,
        per_host=per_host,
    )


def _limits(workers: int | None, seconds: float, memory_mb: int) -> Limits:
    return Limits(workers=workers or Limits().workers, seconds=seconds, memory_mb=memory_mb)


@contextmanager
def _store(db: Path, command: str, args: dict[str, object]) -> Iterator[Store]:
    """Open the store and record the run and how it ended; a failure goes on to the app's
    error policy (``_OneLineErrors``)."""
    store = Store(db)
    run_id = store.runs.start(command, args)
    try:
        yield store
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        store.runs.finish(run_id, "interrupted")
        raise
    except Exception as exc:
        store.runs.finish(run_id, f"error: {exc}")
        raise
    else:
        store.runs.finish(run_id, "ok")
    finally:
        store.close()


def _fail(exc: Exception, debug: bool = False) -> NoReturn:
    """One line for an error the user can act on (a FwcensusError, or a file or folder the
    system refused: OSError); anything else is a bug: say so, and where its traceback is."""
    if debug:
        _print_traceback(exc)
    message = escape(str(exc))  # "[pdf] link" is text, not rich markup
    if isinstance(exc, (FwcensusError, OSError)):
        console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    if debug:
        where = "the traceback above"
    else:
        saved = _save_traceback(exc)
        where = (
            f"the traceback saved in {saved} (--debug prints it instead)"
            if saved
            else "the traceback above (no file could be written)"
        )
    console.print(
        f"[red]error:[/red] unexpected {type(exc).__name__}: {message}\n"
        f"This is a bug in fwcensus; please report it at {HOMEPAGE}/issues with {escape(where)}.",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(1)


def _print_traceback(exc: BaseException) -> None:
    import traceback

    sys.stderr.write("".join(traceback.format_exception(exc)))


def _save_traceback(exc: BaseException) -> str | None:
    """Write the traceback, with what a bug report needs beside it, to a new file in the
    temporary folder, named by the time of the failure so a user can tell which run left it,
    and return its path; None, the report printed, when no file can be."""
    import os
    import platform
    import tempfile
    import time
    import traceback

    from fwcensus import __version__

    report = (
        f"fwcensus {__version__}, Python {platform.python_version()} on {platform.platform()}\n"
        f"command: {' '.join(sys.argv)}\n\n" + "".join(traceback.format_exception(exc))
    )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        handle, path = tempfile.mkstemp(prefix=f"fwcensus-traceback-{stamp}-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(report)
    except OSError:
        sys.stderr.write(report)
        return None
    return path


@app.command()
def collect(
    venue: VenueOpt = None,
    year: YearOpt = None,
    db: DbOpt = DEFAULT_DB,
    mirror: MirrorOpt = None,
    rate: RateOpt = 1.0,
    timeout: TimeoutOpt = 30.0,
    attempts: AttemptsOpt = 5,
) -> None:
    """Read the venues' listing pages and store their papers."""
    from fwcensus import pipeline

    with _store(db, "collect", locals()) as store:
        pipeline.collect_selection(
            store, _settings(mirror, rate, timeout, attempts), _network_selection(venue, year), _say
        )


@app.command()
def link(
    venue: VenueOpt = None,
    year: YearOpt = None,
    arxiv: Annotated[
        bool,
        typer.Option(
            "--arxiv",
            help="First ask arXiv (by title, one request per 3 s) for the preprints of venue"
            " papers without an arXiv id; needs --venue.",
        ),
    ] = False,
    db: DbOpt = DEFAULT_DB,
    mirror: MirrorOpt = None,
    rate: RateOpt = 1.0,
    timeout: TimeoutOpt = 30.0,
    attempts: AttemptsOpt = 5,
) -> None:
    """Link the versions of one work across sources (collect does it too); with --arxiv, first
    find venue papers' arXiv preprints by title and first author."""
    from fwcensus import pipeline

    selection = _network_selection(venue, year) if arxiv else _selection(venue, year)
    with _store(db, "link", locals()) as store:
        pipeline.link_selection(
            store, _settings(mirror, rate, timeout, attempts), selection, arxiv, _say
        )


@app.command()
def fetch(
    venue: VenueOpt = None,
    year: YearOpt = None,
    db: DbOpt = DEFAULT_DB,
    mirror: MirrorOpt = None,
    rate: RateOpt = 1.0,
    timeout: TimeoutOpt = 30.0,
    attempts: AttemptsOpt = 5,
    connections: ConnectionsOpt = FetchSettings.max_connections,
    per_host: PerHostOpt = FetchSettings.per_host,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Also retry documents that failed before.")
    ] = False,
) -> None:
    """Download the PDFs of collected papers, all hosts at once, each at its own rate
    (already fetched ones are skipped)."""
    from fwcensus import pipeline

    with _store(db, "fetch", locals()) as store:
        pipeline.fetch_selection(
            store,
            _settings(mirror, rate, timeout, attempts, connections, per_host),
            _selection(venue, year),
            _say,
            retry_failed,
        )


@app.command()
def extract(
    venue: VenueOpt = None,
    year: YearOpt = None,
    db: DbOpt = DEFAULT_DB,
    workers: WorkersOpt = None,
    pdf_seconds: PdfSecondsOpt = 120.0,
    pdf_memory_mb: PdfMemoryOpt = 2048,
) -> None:
    """Extract the text of fetched PDFs, each in a sandboxed worker process."""
    from fwcensus import pipeline

    with _store(db, "extract", locals()) as store:
        pipeline.extract_selection(
            store, _selection(venue, year), _limits(workers, pdf_seconds, pdf_memory_mb), _say
        )


@app.command()
def text(
    target: Annotated[str, typer.Argument(help="A paper id from the store, or a PDF file.")],
    sections: Annotated[
        bool, typer.Option("--sections", help="Mark where each section starts; list links.")
    ] = False,
    db: DbOpt = DEFAULT_DB,
    pdf_seconds: PdfSecondsOpt = 120.0,
    pdf_memory_mb: PdfMemoryOpt = 2048,
) -> None:
    """Print a paper's cleaned text as detection saw it (a file is extracted now)."""
    from fwcensus.extract.show import load_text, render

    extracted = load_text(target, db, _limits(1, pdf_seconds, pdf_memory_mb))
    for line in render(extracted, sections):
        sys.stdout.write(line + "\n")


@app.command()
def repos(
    venue: VenueOpt = None,
    year: YearOpt = None,
    db: DbOpt = DEFAULT_DB,
    mirror: MirrorOpt = None,
    rate: RateOpt = 1.0,
    timeout: TimeoutOpt = 30.0,
    attempts: AttemptsOpt = 5,
) -> None:
    """Find each paper's own code repository, read it (never run it) and store what it uses.
    GITHUB_TOKEN, when set, raises GitHub's rate limit."""
    from fwcensus import pipeline

    with _store(db, "repos", locals()) as store:
        pipeline.repos_selection(
            store, _settings(mirror, rate, timeout, attempts), _selection(venue, year), _say
        )


@app.command()
def detect(
    venue: VenueOpt = None,
    year: YearOpt = None,
    db: DbOpt = DEFAULT_DB,
    method: MethodsOpt = None,
) -> None:
    """Decide per paper which frameworks it uses, names or cites, with the evidence, under
    every detection method (stored side by side)."""
    from fwcensus import pipeline

    with _store(db, "detect", locals()) as store:
        for name in _methods(method):
            pipeline.detect_selection(store, _selection(venue, year), name, _say)


@app.command()
def inspect(
    files: Annotated[list[Path], typer.Argument(help="PDF files.", exists=True, dir_okay=False)],
    json_lines: Annotated[
        bool, typer.Option("--json", help="One JSON object per line and file (stable).")
    ] = False,
    workers: WorkersOpt = None,
    pdf_seconds: PdfSecondsOpt = 120.0,
    pdf_memory_mb: PdfMemoryOpt = 2048,
    repos: Annotated[
        bool, typer.Option("--repos", help="Also read each paper's own repository (network).")
    ] = False,
    mirror: MirrorOpt = None,
    rate: RateOpt = 1.0,
    db: Annotated[
        Path,
        typer.Option(
            "--db",
            envvar="FWCENSUS_DB",
            help="Library answers are kept beside this store (shared with its repos stage);"
            " without --repos only those already kept are used.",
        ),
    ] = DEFAULT_DB,
) -> None:
    """Which frameworks each PDF uses, names or cites, with the sentences that decided it;
    with --repos, also what its own code repository uses, and where the two agree."""
    import json
    from contextlib import ExitStack

    from fwcensus.inspection import inspect_files, report_json, report_table, text_roles
    from fwcensus.libraries.resolver import cached_resolver
    from fwcensus.store.db import cache_dir_for

    limits = _limits(workers, pdf_seconds, pdf_memory_mb)
    with ExitStack() as stack:
        reader = None
        if repos:  # the network's modules are loaded only when it is used
            from fwcensus.repos.backends import network_resolver
            from fwcensus.repos.hosts import RepoReaders
            from fwcensus.repos.inspect_code import code_json, code_table, read_own_code

            settings = _settings(mirror, rate, 30.0, 5)
            reader = stack.enter_context(RepoReaders(settings))
            resolver = stack.enter_context(network_resolver(settings, reader, cache_dir_for(db)))
        else:
            resolver = stack.enter_context(cached_resolver(cache_dir_for(db)))
        for report in inspect_files(files, limits, resolver.answer):
            code = None
            if reader is not None and report.code is not None:
                view = read_own_code(reader, report.code, resolver)
                code = code_json(view, text_roles(report))
            if json_lines:
                line = json.dumps(report_json(report, code), ensure_ascii=False)
            else:
                line = report_table(report) + ("" if code is None else code_table(code))
            sys.stdout.write(line + "\n")


@app.command("eval")
def eval_cmd(
    labels: Annotated[Path, typer.Argument(help="labels.csv: file, framework, role, via.")],
    pdfs: Annotated[Path, typer.Option("--pdfs", help="Folder holding the labelled PDFs.")],
    workers: WorkersOpt = None,
    pdf_seconds: PdfSecondsOpt = 120.0,
    pdf_memory_mb: PdfMemoryOpt = 2048,
    record: Annotated[
        str | None,
        typer.Option(
            "--record",
            help="Name of this labelled set: store its used precision and recall per method in"
            " the accuracy file the report states.",
        ),
    ] = None,
    held_out: Annotated[
        bool,
        typer.Option("--held-out", help="With --record: the rules were not developed on these."),
    ] = False,
    accuracy_file: Annotated[
        Path | None,
        typer.Option(
            "--accuracy-file",
            help="With --record: file to store into (default: the package's accuracy.json).",
        ),
    ] = None,
) -> None:
    """Score both detection methods against hand labels; list every disagreement."""
    from fwcensus import evaluation as scoring
    from fwcensus.detect.accuracy import packaged_path
    from fwcensus.detect.accuracy import record as store_accuracy
    from fwcensus.inspection import inspect_files

    try:
        truths = scoring.read_labels(labels)
        paths = scoring.file_paths(truths, pdfs)
    except ValueError as exc:  # a labels file not as documented
        raise ConfigError(str(exc)) from exc
    reports = list(inspect_files(paths, _limits(workers, pdf_seconds, pdf_memory_mb)))
    result = scoring.score(truths, reports)
    sys.stdout.write(scoring.render(result, scoring.rule_counts(reports)) + "\n")
    if record:
        target = accuracy_file or packaged_path()
        for measured in scoring.measurements(result, record, held_out):
            store_accuracy(target, measured)
        _say(f"eval: accuracy of {record!r} recorded in {target}")


@app.command()
def aggregate(
    db: DbOpt = DEFAULT_DB,
    method: Annotated[
        list[str],
        typer.Option(
            "--method",
            help=f"Detection method (repeatable): {', '.join(METHODS)}; --method"
            f" {SUBSTRING_2019} is the 2019 study's method (--method {EVIDENCE} --method"
            f" {SUBSTRING_2019} for both).",
        ),
    ] = [EVIDENCE],  # noqa: B006 - Typer reads the default, nothing mutates it
) -> None:
    """Count papers and compute shares with 95% intervals per venue and year, per method."""
    from fwcensus import pipeline

    with _store(db, "aggregate", locals()) as store:
        for name in _methods(method):
            pipeline.aggregate(store, name, _say)


DATA_MODES = ("auto", "inline", "files")


@app.command()
def report(
    db: DbOpt = DEFAULT_DB,
    out: ReportDirOpt = Path("report"),
    method: MethodOpt = EVIDENCE,
    data: Annotated[
        str,
        typer.Option(
            "--data",
            help="Where the papers behind the counts go: 'files' (data/ beside index.html, "
            "loaded on demand: serve the folder), 'inline' (also in index.html, so file:// "
            "works) or 'auto' (inline for a small store).",
        ),
    ] = "auto",
    serve: Annotated[
        bool, typer.Option("--serve", help="Then serve the report on 127.0.0.1 until Ctrl-C.")
    ] = False,
    port: Annotated[int, typer.Option("--port", help="Port for --serve; 0 picks a free one.")] = (
        8000
    ),
) -> None:
    """Write the HTML report (chart images, paper data files, tables as CSV) to --out."""
    if data not in DATA_MODES:
        raise typer.BadParameter(f"one of {', '.join(DATA_MODES)}", param_hint="--data")
    from fwcensus import pipeline
    from fwcensus.report.paper_data import Inline

    with _store(db, "report", locals()) as store:
        pipeline.report(store, out, method, _say, Inline(data))
    if serve:
        from fwcensus.report.serve import ReportServer

        with ReportServer(out, port) as server:
            typer.echo(f"serving {out} at {server.url} (Ctrl-C stops)")
            with suppress(KeyboardInterrupt):
                server.wait()


@app.command()
def run(
    venue: VenueOpt = None,
    year: YearOpt = None,
    db: DbOpt = DEFAULT_DB,
    mirror: MirrorOpt = None,
    rate: RateOpt = 1.0,
    timeout: TimeoutOpt = 30.0,
    attempts: AttemptsOpt = 5,
    connections: ConnectionsOpt = FetchSettings.max_connections,
    per_host: PerHostOpt = FetchSettings.per_host,
    workers: WorkersOpt = None,
    pdf_seconds: PdfSecondsOpt = 120.0,
    pdf_memory_mb: PdfMemoryOpt = 2048,
    method: MethodOpt = EVIDENCE,
    out: ReportDirOpt = Path("report"),
    no_repos: Annotated[
        bool, typer.Option("--no-repos", help="Skip reading the papers' code repositories.")
    ] = False,
    signals: Annotated[
        bool, typer.Option("--signals", help="Also collect the industry signals (all of them).")
    ] = False,
) -> None:
    """collect, fetch, extract, repos, detect, aggregate (signals) and report in one go."""
    from fwcensus import pipeline

    options = pipeline.RunOptions(
        selection=_network_selection(venue, year),
        fetch=_settings(mirror, rate, timeout, attempts, connections, per_host),
        limits=_limits(workers, pdf_seconds, pdf_memory_mb),
        method=method,
        report_dir=out,
        repos=not no_repos,
        signals=signals,
    )
    with _store(db, "run", locals()) as store:
        pipeline.run(store, options, _say)


EX_TEMPFAIL = 75  # sysexits.h: try again later (a quota or rate limit stopped a signal)


@app.command("signals")
def signals_cmd(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help=f"Signal to collect (repeatable; default all): {', '.join(signal_names())}.",
        ),
    ] = None,
    since: Annotated[
        str, typer.Option("--since", help="First month wanted, YYYY-MM.")
    ] = DEFAULT_SINCE,
    db: DbOpt = DEFAULT_DB,
    mirror: MirrorOpt = None,
    rate: RateOpt = 1.0,
    timeout: TimeoutOpt = 30.0,
    attempts: AttemptsOpt = 5,
) -> None:
    """Collect industry signals as series per framework: GitHub stars, PyPI and conda
    downloads, Stack Overflow questions and Developer Survey, HN and job-board posts, dev.to
    articles, Hugging Face models, the Papers with Code archive, arXiv papers in the store.
    Incremental: a re-run asks only for new months and years. Tokens: GITHUB_TOKEN,
    STACKEXCHANGE_KEY, HF_TOKEN; BIGQUERY_PROJECT with BIGQUERY_TOKEN reads PyPI's history from
    BigQuery; ADZUNA_APP_ID and ADZUNA_APP_KEY for job-board counts (skipped without).
    Exits 75 when a quota or rate limit stopped a signal (run again later), 1 when one failed."""
    from fwcensus import pipeline

    with _store(db, "signals", locals()) as store:
        summaries = pipeline.signals(
            store, _settings(mirror, rate, timeout, attempts), only or (), since, _say
        )
    outcomes = {s.outcome for s in summaries}
    if "failed" in outcomes:
        raise typer.Exit(1)
    if "stopped" in outcomes:
        raise typer.Exit(EX_TEMPFAIL)


@app.command("export")
def export_cmd(
    table: Annotated[str, typer.Argument(help=f"One of: {', '.join(TABLES)}.")],
    fmt: Annotated[str, typer.Option("--format", help="csv, json or parquet.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
    venue: VenueOpt = None,
    year: YearOpt = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Export a table (papers, verdicts, shares, frameworks, growth, signals, signal-shares) as
    CSV, JSON or Parquet."""
    with _store(db, "export", {"table": table, "format": fmt}) as store:
        check_export(table, fmt)
        selection = _selection(venue, year)
        if output is None:
            stream = sys.stdout.buffer if fmt == "parquet" else sys.stdout
            export(store, table, fmt, stream, selection)
            return
        if fmt == "parquet":
            with output.open("wb") as binary:
                count = export(store, table, fmt, binary, selection)
        else:
            with output.open("w", encoding="utf-8", newline="") as out:
                count = export(store, table, fmt, out, selection)
        _say(f"export: {count} {table} rows to {output}")


@app.command()
def status(venue: VenueOpt = None, year: YearOpt = None, db: DbOpt = DEFAULT_DB) -> None:
    """Papers per venue-year and the state of their PDFs and texts; documents per host; the
    industry signals' last runs."""
    from rich.table import Table

    with _store(db, "status", locals()) as store:
        papers = Table("venue", "year", "listed", "pending", "fetched", "failed", "skipped",
                       "text ok", "no text", "text failed", title="papers")  # fmt: skip
        for c in store.papers.status_counts(_selection(venue, year)):
            values = (c.listed, c.pending, c.fetched, c.failed, c.skipped, c.text_ok, c.no_text,
                      c.text_failed)  # fmt: skip
            papers.add_row(c.venue, str(c.year), *map(str, values))
        hosts = Table("pending", "fetched", "failed", "skipped", title="documents per host")
        hosts.add_column("host", no_wrap=True)
        hosts.add_column("most frequent failure", overflow="fold")
        for h in store.documents.host_counts(_selection(venue, year)):
            by_status = (h.pending, h.fetched, h.failed, h.skipped)
            hosts.add_row(*map(str, by_status), h.host, h.top_error or "")
        signals = Table("signal", "values", "latest month", "last run", title="industry signals")
        signals.add_column("why", overflow="fold")
        counts = store.signals.counts()
        for run in store.signals.last_runs():
            stored, latest = counts.get(run["signal"], (0, None))
            signals.add_row(run["signal"], str(stored), latest or "", run["outcome"] or "running",
                            run["reason"] or "")  # fmt: skip
        console.print(papers)
        console.print(hosts)
        if signals.row_count:
            console.print(signals)


@app.command()
def venues(
    venue: VenueOpt = None,
    year: YearOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Every supported venue-year: source, official URL, and papers collected so far."""
    import json

    from rich.table import Table

    from fwcensus.sources.registry import venue_years

    selection = _selection(venue, year)
    counts: dict[tuple[str, int], int] = {}
    if db.exists():
        with Store(db) as store:
            counts = store.papers.counts()
    targets = venue_years(selection.venues, selection.years, named_only_too=True)
    if as_json:
        for t in targets:
            record = {"venue": t.venue, "year": t.year, "source": t.source.name,
                      "official_url": t.official_url, "listing_urls": list(t.urls),
                      "papers": counts.get((t.venue, t.year))}  # fmt: skip
            typer.echo(json.dumps(record))
        return
    table = Table("venue", "year", "source", "papers collected")
    table.add_column("official URL", overflow="fold")
    for t in targets:
        collected = counts.get((t.venue, t.year))
        table.add_row(t.venue, str(t.year), t.source.name,
                      "-" if collected is None else str(collected), t.official_url)  # fmt: skip
    console.print(table)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the sample and results.")] = Path(
        "fwcensus-demo"
    ),
    faults: Annotated[
        str | None,
        typer.Option("--faults", help="Make the sample mirror misbehave (fault SPEC)."),
    ] = None,
) -> None:
    """Build a sample mirror, serve it on 127.0.0.1 and run the whole pipeline against it."""
    from fwcensus.demo.run import run_demo
    from fwcensus.mirror.faults import parse_faults

    try:
        plan = parse_faults(faults) if faults else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--faults") from None
    result = run_demo(out, _say, plan)
    _say(f"\n[bold green]Report:[/bold green] {result.report.index.resolve()}")


@bulk_app.command("arxiv")
def bulk_arxiv(
    months: Annotated[
        list[str] | None,
        typer.Option(
            "--months",
            help="Months of the tars to read, YYMM (repeatable or 1501,1502;"
            " default every month in the manifest).",
        ),
    ] = None,
    every_pdf: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every PDF of the tars, not only the arXiv papers in the store (papers"
            " are then keyed by arXiv id; collect --venue arXiv fills in their metadata).",
        ),
    ] = False,
    s3_endpoint: Annotated[
        str | None,
        typer.Option(
            "--s3-endpoint",
            envvar="AWS_ENDPOINT_URL_S3",
            help="An S3-compatible endpoint instead of AWS (credentials: the usual AWS"
            " environment and config).",
        ),
    ] = None,
    bucket: Annotated[str, typer.Option("--bucket", help="The requester-pays bucket.")] = "arxiv",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of a running Dask scheduler (tcp://HOST:PORT); without"
            " it a LocalCluster of --workers processes.",
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="LocalCluster worker processes (one core each).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder of the Parquet partitions (default: beside --db)."),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    attempts: Annotated[int, typer.Option("--attempts", help="Tries per S3 request.")] = 8,
    pdf_seconds: PdfSecondsOpt = 120.0,
    pdf_memory_mb: PdfMemoryOpt = 2048,
) -> None:
    """Judge arXiv's PDFs from its requester-pays S3 bucket, one tar per Dask task, as inspect
    judges files; results go to Parquet partitions (one per tar, its done-marker) and the
    store. A re-run reads only tars not done, or whose md5 in the manifest changed."""
    try:
        from fwcensus.bulk.stage import BulkOptions, run_bulk_arxiv
        from fwcensus.fetch.s3 import S3Settings
        from fwcensus.sources.arxiv_bulk import check_months
        from fwcensus.store.db import bulk_dir_for
    except ImportError as exc:
        raise ConfigError(f"fwcensus bulk needs {exc.name}: pip install 'fwcensus[bulk]'") from None
    try:
        chosen = check_months(m for given in months or () for m in given.split(",") if m)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--months") from None
    options = BulkOptions(
        s3=S3Settings(bucket=bucket, endpoint=s3_endpoint or None, attempts=attempts),
        out=out or bulk_dir_for(db),
        months=chosen,
        every_pdf=every_pdf,
        limits=_limits(1, pdf_seconds, pdf_memory_mb),
        scheduler=scheduler,
        workers=workers or Limits().workers,
    )
    with _store(db, "bulk arxiv", locals()) as store:
        summary = run_bulk_arxiv(store, options, _say)
    if summary.failed:
        raise typer.Exit(1)


@mirror_app.command("serve")
def mirror_serve(
    root: Annotated[Path, typer.Argument(help="Folder laid out as HOST/PATH.")],
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="0 picks a free port.")] = 8000,
    faults: Annotated[
        str | None, typer.Option("--faults", help="Fault SPEC (see fwcensus.mirror.faults).")
    ] = None,
    seed: Annotated[int, typer.Option("--faults-seed")] = 0,
    host_rate: Annotated[
        str | None,
        typer.Option("--host-rate", help="Limit hosts as real ones do: 'a.org=2,b.org=0.5'."),
    ] = None,
    latency: Annotated[float, typer.Option("--latency", help="Seconds added to answers.")] = 0.0,
) -> None:
    """Serve a mirror folder: GET /HOST/PATH?Q answers the file HOST/PATH@Q."""
    from fwcensus.mirror.faults import parse_faults
    from fwcensus.mirror.server import parse_host_rates, serve

    if not root.is_dir():
        raise typer.BadParameter(f"{root} is not a folder", param_hint="ROOT")
    try:
        plan = parse_faults(faults, seed) if faults else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--faults") from None
    try:
        rates = parse_host_rates(host_rate) if host_rate else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--host-rate") from None
    serve(root, host, port, plan, host_rates=rates, latency=latency)


if __name__ == "__main__":
    app()
