"""The store: SQLite database and content-addressed blobs; the only place with SQL."""

from fwcensus.store.db import DEFAULT_DB, Store, StoreError

__all__ = ["DEFAULT_DB", "Store", "StoreError"]
