"""The connection to a cluster: its nodes from the config's URL, the credentials from the environment."""
from __future__ import annotations

import os

from opensearchpy import OpenSearch

from ...engine import OPENSEARCH_AUTH_ENV, EngineConfig

DEFAULT_URL = "http://127.0.0.1:9200"
TIMEOUT = 60  # seconds a request may take (a clone, a bulk of long attachments)
RETRIES = 3  # a request that fails on one node is retried on another


class ConfigError(ValueError):
    """The cluster's address or credentials are malformed (the message says which)."""


def hosts(url: str | None) -> list[str]:
    """`http://a:9200,http://b:9200` (or one URL): every node the client may use."""
    found = [u.strip().rstrip("/") for u in (url or DEFAULT_URL).split(",") if u.strip()]
    bad = [u for u in found if not u.startswith(("http://", "https://"))]
    if bad or not found:
        raise ConfigError(f"not an OpenSearch URL: {', '.join(bad) or url!r} (expected http://HOST:PORT)")
    return found


def auth() -> tuple[str, str] | None:
    """("user", "password") from the variable OPENSEARCH_AUTH_ENV names, when it is set."""
    value = os.environ.get(OPENSEARCH_AUTH_ENV)
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep:
        raise ConfigError(f"{OPENSEARCH_AUTH_ENV} must be 'user:password'")
    return user, password


def connect(config: EngineConfig) -> OpenSearch:
    """A client over every node of the config's URL: a node that is down is skipped and the request
    retried on another."""
    credentials = auth()
    return OpenSearch(hosts=hosts(config.url), http_auth=credentials, timeout=TIMEOUT, max_retries=RETRIES,
                      retry_on_timeout=True, retry_on_status=(502, 503, 504))
