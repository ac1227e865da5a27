"""fwcensus: which machine-learning frameworks papers use, with evidence for every count."""

__version__ = "0.1.0"

HOMEPAGE = "https://github.com/fwcensus/fwcensus"
