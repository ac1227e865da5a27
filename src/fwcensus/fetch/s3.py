"""Reading a requester-pays S3 bucket (arXiv's bulk data) with boto3.

Every request carries ``x-amz-request-payer: requester`` (added before signing, so it is
signed too): without it a requester-pays bucket answers 403. Credentials come from the usual
AWS chain (environment, ``~/.aws/config`` and ``credentials``, a role); ``endpoint`` points at
any S3-compatible service instead of AWS. 503 SlowDown, 500s and throttling are retried by
botocore's standard mode, with exponential backoff and jitter, up to ``attempts`` tries. What
the user can fix (credentials, the payer header, an endpoint that does not answer) becomes one
``S3Error`` line that says what to set.

boto3 is imported here only: the module is loaded by the bulk command, never by the CLI's start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from fwcensus.errors import S3Error

PAYER_HEADER = "x-amz-request-payer"
# arXiv's bucket lives in us-east-1; a region configured in the environment wins.
DEFAULT_REGION = "us-east-1"
CREDENTIALS_HINT = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) for an account that"
    " accepts the requester-pays charges"
)


@dataclass(frozen=True)
class S3Settings:
    """Where and how to read; plain values, so it travels to Dask workers as it is."""

    bucket: str
    endpoint: str | None = None  # any S3-compatible endpoint; None: AWS
    attempts: int = 8  # tries per request (botocore's standard retry mode)
    connect_timeout: float = 10.0
    read_timeout: float = 60.0


class S3Reader:
    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self.client = _client(settings)

    def url(self, key: str) -> str:
        return f"s3://{self.settings.bucket}/{key}"

    def read(self, key: str) -> bytes:
        """The whole object (small ones: the manifest)."""
        body = self.open(key)
        try:
            return body.read()
        except BotoCoreError as exc:
            raise S3Error(f"{self.url(key)}: reading failed: {_one_line(exc)}") from None
        finally:
            body.close()

    def open(self, key: str) -> BinaryIO:
        """The object as a stream, read as it arrives (a 500 MB tar never sits in memory)."""
        answer = self._call("get_object", key)
        return answer["Body"]

    def _call(self, operation: str, key: str) -> dict[str, Any]:
        try:
            return getattr(self.client, operation)(Bucket=self.settings.bucket, Key=key)
        except (NoCredentialsError, PartialCredentialsError):
            raise S3Error(f"{self.url(key)}: no AWS credentials: {CREDENTIALS_HINT}") from None
        except EndpointConnectionError as exc:
            where = self.settings.endpoint or "AWS S3"
            raise S3Error(
                f"cannot reach {where} ({_one_line(exc)}): check --s3-endpoint and the network"
            ) from None
        except ClientError as exc:
            raise S3Error(self._client_error(key, exc)) from None
        except BotoCoreError as exc:
            raise S3Error(f"{self.url(key)}: {_one_line(exc)}") from None

    def _client_error(self, key: str, exc: ClientError) -> str:
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = error.get("Code") or str(status)
        where = f"{self.url(key)}: {status} {code}"
        if status == 403:
            return (
                f"{where}: access denied; the bucket is requester-pays and every request says"
                f" {PAYER_HEADER}: requester, so the credentials are refused: {CREDENTIALS_HINT}"
            )
        if status == 404:
            return f"{where}: no such object (is --s3-endpoint the right service?)"
        attempts = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
        return f"{where} after {attempts} attempts: {error.get('Message') or 'no message'}"


@cache
def _client(settings: S3Settings) -> Any:
    """One client per settings and process: a Dask worker reads many tars, and a client costs
    tens of milliseconds to build (botocore loads its service model); clients are thread-safe."""
    config = Config(
        retries={"mode": "standard", "max_attempts": settings.attempts},
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        # S3-compatible services (MinIO, Ceph, moto) serve buckets by path, not by host.
        s3={"addressing_style": "path"} if settings.endpoint else None,
    )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    client = boto3.session.Session().client(
        "s3", endpoint_url=settings.endpoint, region_name=region or DEFAULT_REGION, config=config
    )
    client.meta.events.register("before-sign.s3", _pay_as_requester)
    return client


def _pay_as_requester(request: Any, **_: Any) -> None:
    request.headers[PAYER_HEADER] = "requester"


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
