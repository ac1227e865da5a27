"""What fwcensus knows of the world, as data every stage reads: the frameworks and the libraries
built on them (``frameworks.toml``), the names code gives them, and the public code hosts."""
