"""Write Adzuna job-search answers into a mirror folder, in the API's real structure.

``GET /v1/api/jobs/{country}/search/1?...`` answers a JSON object of class
``Adzuna::API::Response::JobSearchResults`` with ``count`` (postings matching), ``mean`` (their
mean salary) and ``results`` (the page of postings asked for: ``id``, ``title``, ``company``,
``location``, ``category``, ``description``, ``created``, ``redirect_url``, ``salary_min``,
``salary_max``, ``salary_is_predicted``, ``adref``, each sub-object with its ``__CLASS__``). An
error is an ``Adzuna::API::Response::Exception`` with ``exception`` and ``display``. Files sit at
the ``jobs`` signal's URLs, application id and key included; every posting is synthetic.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals.jobs import COUNTRIES, search_url
from fwcensus.signals.targets import Target

DEMO_APP_ID = "demo-app-id"
DEMO_APP_KEY = "demo-app-key"
RESPONSE = "Adzuna::API::Response::"


def posting(number: int, phrase: str, created: date) -> dict[str, Any]:
    return {
        "__CLASS__": RESPONSE + "Job",
        "id": str(4000000000 + number),
        "title": f"Machine Learning Engineer ({phrase})",
        "company": {"__CLASS__": RESPONSE + "Company", "display_name": f"Example Labs {number}"},
        "location": {
            "__CLASS__": RESPONSE + "Location",
            "display_name": "London",
            "area": ["UK", "London"],
        },
        "category": {"__CLASS__": RESPONSE + "Category", "label": "IT Jobs", "tag": "it-jobs"},
        "description": f"We train models with {phrase} and ship them\u2026",
        "created": f"{created.isoformat()}T08:00:00Z",
        "redirect_url": f"https://www.adzuna.co.uk/jobs/land/ad/{4000000000 + number}",
        "salary_min": 60000,
        "salary_max": 85000,
        "salary_is_predicted": "0",
        "adref": "eyJhbGciOiJIUzI1NiJ9.sample",
    }


def write_count(
    root: Path, country: str, phrase: str, count: int, *, exclude: tuple[str, ...] = (),
    app_id: str = DEMO_APP_ID, key: str = DEMO_APP_KEY, today: date | None = None,
) -> None:  # fmt: skip
    url = search_url(country, phrase, exclude, app_id, key)
    results = [posting(count, phrase, today or date(2026, 1, 1))] if count else []
    body = {"__CLASS__": RESPONSE + "JobSearchResults", "count": count, "mean": 71234.5,
            "results": results}  # fmt: skip
    write_json_answer(root, url, body)


# Demo scale: postings per board naming each framework.
_LEVELS = {"pytorch": 900, "tensorflow": 700, "keras": 250, "jax": 120}


def write_sample(root: Path, targets: tuple[Target, ...], today: date, seed: int = 0) -> None:
    """Today's counts for every phrase and board, under the demo's application id and key."""
    rng = random.Random(f"adzuna-sample:{seed}")
    for target in targets:
        for phrase in target["jobs"]:
            for country in COUNTRIES:
                level = _LEVELS.get(target.framework, 15) * (4 if country == "us" else 1)
                count = round(level * rng.uniform(0.8, 1.2))
                write_count(
                    root, country, phrase, count, exclude=target["jobs_exclude"], today=today
                )
