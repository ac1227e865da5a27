"""Per-host request rates that the hosts themselves publish.

Hosts not listed here get the general default (1 request per second). A host listed here gets
its own published budget even when the general default is higher.
"""

from __future__ import annotations

# arXiv's API terms: "no more than 1 request every 3 seconds" for the export API and OAI-PMH.
ARXIV_RATE = 1 / 3

# OpenReview API v2 answers with "ratelimit-policy: 500;w=3600" (500 requests an hour).
OPENREVIEW_V2_RATE = 500 / 3600

# GitHub REST API: 5,000 requests an hour with a token (60 without; the repos reader waits
# out X-RateLimit-Reset when the budget runs out).
GITHUB_API_RATE = 5000 / 3600

# GitLab.com: the repository archive endpoint allows 5 requests a minute (unauthenticated API
# traffic 500 a minute); one rate per host, so the tighter one paces every gitlab.com request.
GITLAB_RATE = 5 / 60

# Bitbucket Cloud: 60 API requests an hour without authentication.
BITBUCKET_API_RATE = 60 / 3600

# Adzuna's job search API: 25 requests a minute on its free tier (250 a day).
ADZUNA_RATE = 25 / 60

HOST_RATES: dict[str, float] = {
    "api.adzuna.com": ADZUNA_RATE,
    "api.bitbucket.org": BITBUCKET_API_RATE,
    "gitlab.com": GITLAB_RATE,
    "api.github.com": GITHUB_API_RATE,
    "api2.openreview.net": OPENREVIEW_V2_RATE,
    "export.arxiv.org": ARXIV_RATE,
    "oaipmh.arxiv.org": ARXIV_RATE,
    "arxiv.org": ARXIV_RATE,
}

# Documented APIs, used under their own terms and rate limits (above, and the limits their
# answers announce), not crawled: robots.txt is not consulted for them. robots.txt keeps
# crawlers out of pages; an API's robots.txt often disallows it for exactly that reason while
# its documentation invites programs in (GitLab's default robots.txt: "Disallow: /api").
# Web pages, listings and PDFs always obey robots.txt. raw.githubusercontent.com serves the
# file contents the GitHub API names (its ``download_url``), at the commit the API gave.
# GitLab and Gitea readers add their API's path on each host they read (repos/github.py
# ApiReader.API_PATH), self-hosted instances included.
API_PREFIXES: tuple[str, ...] = (
    "https://api.github.com/",
    "https://raw.githubusercontent.com/",
    "https://api.bitbucket.org/2.0/",
    "https://huggingface.co/api/",
    "https://api.openreview.net/",
    "https://api2.openreview.net/",
    "https://export.arxiv.org/api/",
    "https://oaipmh.arxiv.org/oai",
    "https://api.stackexchange.com/",
    "https://hn.algolia.com/api/",
    "https://dev.to/api/",
    "https://pypistats.org/api/",
    "https://pypi.org/pypi/",  # the JSON API (libraries/pypi.py), not the project pages
    "https://sql-clickhouse.clickhouse.com/",
    "https://bigquery.googleapis.com/",
    "https://api.adzuna.com/v1/api/",
    # Anaconda's public package data: a documented dataset bucket, read file by file.
    "https://anaconda-package-data.s3.amazonaws.com/conda/",
)
