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
)

SCHEMA_VERSION = len(MIGRATIONS)
