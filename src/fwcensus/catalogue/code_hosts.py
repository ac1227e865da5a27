"""The public code hosts papers link their code on, and the forge software each runs.

Text extraction joins their links broken across lines, listings read code links to them, and
the repos stage picks a repository reader by the kind (repos/hosts.py); self-hosted instances
are added by the user (repos/links.py ``forges``).
"""

from __future__ import annotations

import re

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
