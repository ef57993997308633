"""Package attributes imported on first use, so that `referat --version` does not load every format
reader, numpy and whoosh before it prints one line.

A package declares its exports once, as the relative imports of an `if TYPE_CHECKING:` block of its
`__init__`: type checkers read them there, and `lazy_exports` reads the same block (its source) to know
which submodule holds each name, the first time one is asked for.
"""
from __future__ import annotations

import ast
import importlib
import sys
import types
from pathlib import Path
from typing import Any


def declared_exports(source: str) -> dict[str, str]:
    """Name -> relative module of each `from .module import name` in the source's `if TYPE_CHECKING:` block."""
    table: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                if not (isinstance(imp, ast.ImportFrom) and imp.level and imp.module):
                    raise ValueError(f"line {imp.lineno}: only `from .module import name` declares a lazy export")
                for alias in imp.names:
                    if alias.asname:
                        raise ValueError(f"line {imp.lineno}: a lazy export keeps its name ({alias.name})")
                    table[alias.name] = "." * imp.level + imp.module
    return table


class _LazyPackage(types.ModuleType):
    @property
    def _lazy(self) -> dict[str, str]:
        table = self.__dict__.get("_lazy_table")
        if table is None:
            table = declared_exports(Path(self.__dict__["__file__"]).read_text(encoding="utf-8"))
            super().__setattr__("_lazy_table", table)
        return table

    def __getattr__(self, name: str) -> Any:
        try:
            module = self._lazy[name]
        except KeyError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module, self.__name__), name)
        setattr(self, name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing submodule `build` binds it on the package; an export of the same name (the function
        # `build`) wins, as it did when the package imported `from .build import build` eagerly.
        if isinstance(value, types.ModuleType) and self._lazy.get(name) == f".{name}":
            value = getattr(value, name)
        super().__setattr__(name, value)


def lazy_exports(package: str) -> None:
    """Make each export declared in `package`'s `if TYPE_CHECKING:` block an attribute imported on first use."""
    sys.modules[package].__class__ = _LazyPackage
