"""Mirror builders for the tests: each writes a site or an API in its real structure, with the
project's own content, where the mirror server serves it (``fwcensus.mirror.urls``). Builders of
what ``fwcensus demo`` serves are in the package (``fwcensus.demo.sites``); the ones here extend
them with the answers only tests ask for (errors, quotas, renamed repositories)."""
