"""The OpenSearch engine, writing side (indexer.engine names it): see engine and mapping."""
from __future__ import annotations

import os

from ...engine import EngineConfig
from .client import ClusterError
from .engine import OpenSearchGeneration, OpenSearchWriteEngine, WriteFailed, index_name


def open_engine(index_dir: str | os.PathLike, config: EngineConfig) -> OpenSearchWriteEngine:
    return OpenSearchWriteEngine(index_dir, config)


__all__ = ["ClusterError", "OpenSearchGeneration", "OpenSearchWriteEngine", "WriteFailed", "index_name", "open_engine"]
