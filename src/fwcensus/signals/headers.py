"""The request headers each signal API wants, and tokens sent only to the host they are for."""

from __future__ import annotations

import os
from collections.abc import Mapping

from fwcensus.fetch.api import HeadersFor
from fwcensus.repos.github import github_headers
from fwcensus.repos.huggingface import hub_headers

DEVTO_HOST = "dev.to"


def signal_headers(env: Mapping[str, str] | None = None) -> HeadersFor:
    """GitHub's API headers (with GITHUB_TOKEN), dev.to's versioned Accept (v0 answers with a
    ``Warning: 299``), and HF_TOKEN for huggingface.co only. Stack Exchange's key travels in the
    query string (STACKEXCHANGE_KEY) and BigQuery's token with each of its requests
    (signals/bigquery.py), so they are not here."""
    env = os.environ if env is None else env
    github = github_headers(env.get("GITHUB_TOKEN") or None)
    hub = hub_headers(env.get("HF_TOKEN") or None)

    def headers_for(host: str) -> Mapping[str, str]:
        if host == DEVTO_HOST:
            return {"Accept": "application/vnd.forem.api-v1+json"}
        return {**github(host), **hub(host)}

    return headers_for
