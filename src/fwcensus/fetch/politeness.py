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

HOST_RATES: dict[str, float] = {
    "api.bitbucket.org": BITBUCKET_API_RATE,
    "gitlab.com": GITLAB_RATE,
    "api.github.com": GITHUB_API_RATE,
    "api2.openreview.net": OPENREVIEW_V2_RATE,
    "export.arxiv.org": ARXIV_RATE,
    "oaipmh.arxiv.org": ARXIV_RATE,
    "arxiv.org": ARXIV_RATE,
}
