"""Anaconda package-data answers only tests ask for, beside the demo's
(``fwcensus.demo.sites.conda_site``): a month not published yet."""

from __future__ import annotations

from pathlib import Path

from fwcensus.mirror.urls import meta_for, write_mirror_file
from fwcensus.signals.conda_downloads import month_url


def write_not_published(root: Path, month: str) -> None:
    """S3's answer for a key that is not there (yet)."""
    key = month_url(month).split(".amazonaws.com/", 1)[1]
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
        f"<Message>The specified key does not exist.</Message><Key>{key}</Key>"
        "<RequestId>FWC0000000000000</RequestId><HostId>fwcensus-mirror</HostId></Error>"
    )
    file = write_mirror_file(root, month_url(month), body)
    meta_for(file).write_text('{"status": 404, "headers": {"Content-Type": "application/xml"}}')
