"""Package attributes imported on first use, so that `referat --version` does not load every format
reader, numpy and whoosh before it prints one line.

A package declares its exports once, as the relative imports of an `if TYPE_CHECKING:` block of its
`__init__`: type checkers read them there, and `lazy_exports` reads the same block (its source) to know
which submodule holds each name, the first time one is asked for.
"""
from __future__ import annotations

import ast
import importlib
import importlib.machinery
import importlib.util
import sys
import types
from pathlib import Path
from typing import Any


def declared_exports(source: str) -> dict[str, tuple[str, str]]:
    """Name -> (relative module, its name there) of each `from .module import name [as other]` in the
    source's `if TYPE_CHECKING:` block."""
    table: dict[str, tuple[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                if not (isinstance(imp, ast.ImportFrom) and imp.level and imp.module):
                    raise ValueError(f"line {imp.lineno}: only `from .module import name` declares a lazy export")
                for alias in imp.names:
                    table[alias.asname or alias.name] = ("." * imp.level + imp.module, alias.name)
    return table


class _LazyPackage(types.ModuleType):
    @property
    def _lazy(self) -> dict[str, tuple[str, str]]:
        table = self.__dict__.get("_lazy_table")
        if table is None:
            table = declared_exports(Path(self.__dict__["__file__"]).read_text(encoding="utf-8"))
            super().__setattr__("_lazy_table", table)
        return table

    def __getattr__(self, name: str) -> Any:
        try:
            module, original = self._lazy[name]
        except KeyError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module, self.__name__), original)
        setattr(self, name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing submodule `build` binds it on the package; an export of the same name (the function
        # `build`) wins, as it did when the package imported `from .build import build` eagerly.
        if isinstance(value, types.ModuleType) and self._lazy.get(name) == (f".{name}", name):
            value = getattr(value, name)
        super().__setattr__(name, value)


def lazy_exports(package: str) -> None:
    """Make each export declared in `package`'s `if TYPE_CHECKING:` block an attribute imported on first use."""
    sys.modules[package].__class__ = _LazyPackage


class _Deferring:
    """A meta path finder giving the named modules' first import a LazyLoader (importlib.util): the
    module object is made, its code runs at the first use of one of its attributes. Only the first
    import: a second `import` of a lazy module reads its `__spec__` (Python 3.11), which loads it."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = set(names)

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name not in self.names:
            return None
        self.names.discard(name)  # importlib.util.find_spec below asks this finder again
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return None
        spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def defer_imports(names: tuple[str, ...]) -> None:
    """Let each named module, not yet imported, run its code only when something uses it: for a module a
    library imports only to import another that is never used (whoosh.reading imports cached_property,
    which imports asyncio). For a one-shot process: the code then runs at that first use, in whichever
    thread it is, unguarded before Python 3.12."""
    pending = tuple(name for name in names if name not in sys.modules)
    if pending:
        sys.meta_path.insert(0, _Deferring(pending))
