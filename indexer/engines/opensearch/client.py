"""The connection to a cluster: its nodes from the config's URL, the credentials from the environment."""
from __future__ import annotations

import functools
import hashlib
import inspect
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from opensearchpy import Connection, OpenSearch
from opensearchpy.connection_pool import RoundRobinSelector
from opensearchpy.exceptions import AuthenticationException, AuthorizationException, ConnectionError, TransportError

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


_ROUTE: ContextVar[int | None] = ContextVar("route", default=None)  # the key of `routed`, hashed


class RoutedSelector(RoundRobinSelector):
    """Which node a request goes to: within `routed(key)`, the live node the key names (among them in
    the order of their addresses, so that every client of the same nodes names the same one); else the
    next in turn."""

    def select(self, connections: Sequence[Connection]) -> Any:
        route = _ROUTE.get()
        if route is None:
            return super().select(connections)
        return sorted(connections, key=lambda c: c.host)[route % len(connections)]


@contextmanager
def routed(key: bytes) -> Iterator[None]:
    """The requests made within go to the node `key` names (RoutedSelector), while it answers."""
    token = _ROUTE.set(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big"))
    try:
        yield
    finally:
        _ROUTE.reset(token)


def connect(config: EngineConfig) -> OpenSearch:
    """A client over every node of the config's URL: a node that is down is skipped and the request
    retried on another; a request made within `routed` goes to the node its key names."""
    credentials = auth()
    return OpenSearch(hosts=hosts(config.url), http_auth=credentials, timeout=TIMEOUT, max_retries=RETRIES,
                      retry_on_timeout=True, retry_on_status=(502, 503, 504), selector_class=RoutedSelector)


class ClusterError(Exception):
    """The cluster cannot be reached or refused a request; the message (one line) says where and why."""


@contextmanager
def cluster_errors(where: str) -> Iterator[None]:
    """The client's exceptions as a ClusterError naming `where` (the cluster and index)."""
    try:
        yield
    except (AuthenticationException, AuthorizationException) as exc:
        raise ClusterError(f"{where}: the cluster refused the credentials ({exc.status_code}); set "
                           f"{OPENSEARCH_AUTH_ENV}=user:password") from None
    except ConnectionError as exc:
        raise ClusterError(f"{where}: no node answers ({exc.error}: {exc.info})") from None
    except TransportError as exc:
        raise ClusterError(f"{where}: the cluster refused a request ({exc.status_code} {exc.error}: "
                           f"{_reason(exc.info)})") from None


def _reason(info) -> str:
    if isinstance(info, dict):
        error = info.get("error", info)
        return error.get("reason", str(error)) if isinstance(error, dict) else str(error)
    return str(info)


def guarded(function: Callable) -> Callable:
    """A method (or generator method) of an object with a `where` whose client errors are ClusterErrors."""
    if inspect.isgeneratorfunction(function):
        @functools.wraps(function)
        def generator(self, *args, **kwargs):
            with cluster_errors(self.where):
                yield from function(self, *args, **kwargs)
        return generator

    @functools.wraps(function)
    def call(self, *args, **kwargs):
        with cluster_errors(self.where):
            return function(self, *args, **kwargs)
    return call
