"""Which framework a library runs on, from what it publishes about itself (one resolver for
papers and repositories, cached)."""

from fwcensus.libraries.backend import Backend
from fwcensus.libraries.resolver import LibraryResolver, cached_resolver, offline_resolver

__all__ = ["Backend", "LibraryResolver", "cached_resolver", "offline_resolver"]
