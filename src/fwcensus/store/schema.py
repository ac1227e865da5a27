"""Schema of the store and its forward migrations.

Each migration moves the database from version N-1 to N and is applied once, in order, inside a
transaction; ``PRAGMA user_version`` records the version reached. Never edit a released migration:
add the next one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: papers (with links between versions of one work), their documents, extracted texts,
    # verdicts with evidence, shares.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        args TEXT NOT NULL,
        version TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        outcome TEXT
    );
    CREATE TABLE listings (
        url TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        venue TEXT NOT NULL,
        year INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        papers INTEGER NOT NULL,
        fetched_at TEXT NOT NULL
    );
    CREATE TABLE papers (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        source_id TEXT NOT NULL,
        venue TEXT NOT NULL,
        year INTEGER NOT NULL,
        track TEXT NOT NULL DEFAULT 'main',
        title TEXT NOT NULL,
        authors TEXT NOT NULL,
        page_url TEXT,
        pdf_url TEXT,
        arxiv_id TEXT,
        doi TEXT,
        presentation TEXT,
        code_urls TEXT NOT NULL DEFAULT '[]',
        work_id INTEGER,
        listing_url TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        UNIQUE (source, source_id)
    );
    CREATE INDEX papers_venue_year ON papers (venue, year);
    CREATE INDEX papers_arxiv_id ON papers (arxiv_id);
    CREATE INDEX papers_doi ON papers (doi);
    CREATE TABLE paper_links (
        paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        linked_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        rule TEXT NOT NULL,
        PRIMARY KEY (paper_id, linked_id)
    );
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        kind TEXT NOT NULL DEFAULT 'pdf',
        url TEXT,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'fetched', 'failed', 'skipped')),
        sha256 TEXT,
        size INTEGER,
        content_type TEXT,
        final_url TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_status INTEGER,
        updated_at TEXT,
        UNIQUE (paper_id, kind)
    );
    CREATE INDEX documents_status ON documents (status);
    CREATE INDEX documents_sha256 ON documents (sha256);
    CREATE TABLE texts (
        pdf_sha256 TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('ok', 'no-text', 'failed')),
        text_sha256 TEXT,
        pages INTEGER,
        chars INTEGER,
        error TEXT,
        extractor TEXT NOT NULL,
        extracted_at TEXT NOT NULL
    );
    CREATE TABLE detections (
        paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        method TEXT NOT NULL,
        text_sha256 TEXT NOT NULL,
        detected_at TEXT NOT NULL,
        PRIMARY KEY (paper_id, method)
    );
    CREATE TABLE verdicts (
        id INTEGER PRIMARY KEY,
        paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        method TEXT NOT NULL,
        framework TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('used', 'mentioned', 'cited')),
        confidence REAL NOT NULL,
        UNIQUE (paper_id, method, framework)
    );
    CREATE TABLE evidence (
        id INTEGER PRIMARY KEY,
        verdict_id INTEGER NOT NULL REFERENCES verdicts (id) ON DELETE CASCADE,
        page INTEGER NOT NULL,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        section TEXT,
        snippet TEXT NOT NULL,
        rule TEXT NOT NULL
    );
    CREATE INDEX evidence_verdict ON evidence (verdict_id);
    CREATE TABLE shares (
        venue TEXT NOT NULL,
        year INTEGER NOT NULL,
        track TEXT NOT NULL,
        method TEXT NOT NULL,
        listed INTEGER NOT NULL,
        fetched INTEGER NOT NULL,
        with_text INTEGER NOT NULL,
        pytorch INTEGER NOT NULL,
        tensorflow INTEGER NOT NULL,
        both INTEGER NOT NULL,
        neither INTEGER NOT NULL,
        share REAL,
        ci_low REAL,
        ci_high REAL,
        computed_at TEXT NOT NULL,
        PRIMARY KEY (venue, year, track, method)
    );
    """,
    # 2: texts carry sections and links (in the text blob); their counts are kept beside the
    # text so status and exports need not open blobs. The extractor recorded per text decides
    # re-extraction when it changes.
    """
    ALTER TABLE texts ADD COLUMN sections INTEGER;
    ALTER TABLE texts ADD COLUMN links INTEGER;
    ALTER TABLE texts ADD COLUMN code_links INTEGER;
    CREATE INDEX texts_text_sha256 ON texts (text_sha256);
    """,
    # 3: code repositories. A repository is read once per (host, owner, name, commit) whichever
    # papers link it; its verdicts and evidence hang off that snapshot. paper_repos keeps every
    # code link found for a paper with its role (own | framework | third-party), score and the
    # reasons, and which snapshot the paper's own link was read as.
    """
    CREATE TABLE repos (
        id INTEGER PRIMARY KEY,
        host TEXT NOT NULL,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        commit_sha TEXT NOT NULL DEFAULT '',
        repo_key INTEGER,
        default_branch TEXT,
        status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
        error TEXT,
        http_status INTEGER,
        files_total INTEGER,
        files_read INTEGER,
        bytes_read INTEGER,
        files_skipped INTEGER,
        tree_truncated INTEGER,
        read_at TEXT NOT NULL,
        UNIQUE (host, owner, name, commit_sha)
    );
    CREATE TABLE repo_verdicts (
        repo_id INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
        framework TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('used', 'minor')),
        score REAL NOT NULL,
        PRIMARY KEY (repo_id, framework)
    );
    CREATE TABLE repo_evidence (
        id INTEGER PRIMARY KEY,
        repo_id INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
        framework TEXT NOT NULL,
        kind TEXT NOT NULL,
        file TEXT NOT NULL,
        line INTEGER NOT NULL,
        weight REAL NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX repo_evidence_repo ON repo_evidence (repo_id);
    CREATE TABLE paper_repos (
        paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        host TEXT NOT NULL,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('own', 'framework', 'third-party')),
        chosen INTEGER NOT NULL DEFAULT 0,
        score REAL NOT NULL,
        reasons TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL,
        page INTEGER,
        section TEXT,
        snippet TEXT,
        repo_id INTEGER REFERENCES repos (id) ON DELETE SET NULL,
        PRIMARY KEY (paper_id, host, owner, name)
    );
    CREATE INDEX paper_repos_repo ON paper_repos (repo_id);
    """,
    # 4: industry signals. Every value names the requests whose answers produced it (bodies kept
    # as blobs); a signal's caveats and measures are stored with it, as of its last run.
    """
    CREATE TABLE signals (
        name TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        measures TEXT NOT NULL,
        caveats TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE signal_requests (
        id INTEGER PRIMARY KEY,
        signal TEXT NOT NULL,
        url TEXT NOT NULL,
        status INTEGER NOT NULL,
        retrieved_at TEXT NOT NULL,
        body_sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL
    );
    CREATE TABLE signal_series (
        id INTEGER PRIMARY KEY,
        signal TEXT NOT NULL,
        framework TEXT NOT NULL,
        series TEXT NOT NULL,
        measure TEXT NOT NULL,
        counted INTEGER NOT NULL DEFAULT 1,
        UNIQUE (signal, framework, series, measure)
    );
    CREATE TABLE signal_values (
        series_id INTEGER NOT NULL REFERENCES signal_series (id) ON DELETE CASCADE,
        period TEXT NOT NULL,
        value REAL NOT NULL,
        complete INTEGER NOT NULL,
        request_ids TEXT NOT NULL,
        retrieved_at TEXT NOT NULL,
        PRIMARY KEY (series_id, period)
    );
    CREATE TABLE signal_runs (
        id INTEGER PRIMARY KEY,
        signal TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        outcome TEXT CHECK (outcome IN ('complete', 'stopped', 'failed')),
        reason TEXT,
        requests INTEGER NOT NULL DEFAULT 0,
        stored INTEGER NOT NULL DEFAULT 0,
        problems TEXT NOT NULL DEFAULT '[]'
    );
    """,
    # 5: a POST's body (BigQuery's query with its parameters) is kept as a blob beside its answer.
    """
    ALTER TABLE signal_requests ADD COLUMN sent_sha256 TEXT;
    """,
    # 6: arXiv title searches for venue papers without an arXiv id: the latest answer per paper
    # (found, none, failed), the request and its body, so a re-run asks only what is due again.
    """
    CREATE TABLE arxiv_lookups (
        paper_id INTEGER PRIMARY KEY REFERENCES papers (id) ON DELETE CASCADE,
        asked_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('found', 'none', 'failed')),
        arxiv_id TEXT,
        rule TEXT,
        url TEXT NOT NULL,
        body_sha256 TEXT,
        detail TEXT,
        CHECK ((status = 'found') = (arxiv_id IS NOT NULL AND rule IS NOT NULL))
    );
    CREATE INDEX arxiv_lookups_status ON arxiv_lookups (status, asked_at);
    """,
    # 7: a share says what "using" rested on (text, or combined: text or the paper's own code);
    # a detection records the detector that made it, so new rules judge the papers again.
    """
    ALTER TABLE shares ADD COLUMN source TEXT NOT NULL DEFAULT 'text';
    ALTER TABLE detections ADD COLUMN detector TEXT NOT NULL DEFAULT '';
    """,
    # 8: a piece of evidence names the library (or cited work) the framework was found through,
    # and how its backend was known ("LitGPT (catalogue)", "foo-lm -> pytorch (pypi ...)").
    """
    ALTER TABLE evidence ADD COLUMN via TEXT;
    """,
    # 9: why each code link of a paper was taken as the authors' own repository or not (the
    # decision the repos stage made), so the evidence browser shows it beside the scores.
    """
    ALTER TABLE paper_repos ADD COLUMN decision TEXT;
    """,
    # 10: a PDF a bulk run read inside an archive (arXiv's S3 tars) names that archive; neither
    # the PDF nor its text is kept as a blob (all of arXiv's would be terabytes), so the stages
    # that read blobs leave such documents alone, and reading the archive again re-judges them.
    """
    ALTER TABLE documents ADD COLUMN archive TEXT;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
