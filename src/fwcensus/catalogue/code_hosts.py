"""The public code hosts papers link their code on, the forge software each runs, and the APIs
more than one plug-in asks.

Text extraction joins their links broken across lines, listings read code links to them, and
the repos stage picks a repository reader by the kind (repos/hosts.py); self-hosted instances
are added by the user (repos/links.py ``forges``). GitHub's API is read by the repository
reader and the stars signal, the Hugging Face Hub by the repository reader and two signals:
each is declared once, here, so they cannot disagree on its budget or its token.
"""

from __future__ import annotations

import re

from fwcensus.hosts import Credential, Host

# host -> kind of forge; the kind picks the reader and how a path is parsed.
PUBLIC_FORGES: dict[str, str] = {
    "github.com": "github",
    "gitlab.com": "gitlab",
    "bitbucket.org": "bitbucket",
    "codeberg.org": "gitea",
    "huggingface.co": "huggingface",
}
CODE_HOSTS = tuple(PUBLIC_FORGES)
CODE_HOSTS_PATTERN = "|".join(re.escape(h) for h in CODE_HOSTS)

# GitHub REST API: 5,000 requests an hour with a token (60 without; readers wait out
# X-RateLimit-Reset when the budget runs out). The version header pins the answers' shape.
GITHUB_API = Host(
    "api.github.com",
    api=("https://api.github.com/",),
    rate=5000 / 3600,
    credentials=(Credential("GITHUB_TOKEN", header="Authorization", prefix="Bearer "),),
    headers=(("Accept", "application/vnd.github+json"), ("X-GitHub-Api-Version", "2022-11-28")),
)
# The file contents the GitHub API names (its ``download_url``), at the commit the API gave;
# the ACL Anthology's XML is read from there too.
GITHUB_RAW = Host("raw.githubusercontent.com", api=("https://raw.githubusercontent.com/",))
# The Hugging Face Hub: its API, and files under resolve/ (datasets, a model's config); HF_TOKEN
# goes to huggingface.co only.
HUGGING_FACE = Host(
    "huggingface.co",
    api=("https://huggingface.co/api/",),
    credentials=(Credential("HF_TOKEN", header="Authorization", prefix="Bearer "),),
)
