"""Package attributes imported on first use, so that `referat --version` does not load every format
reader, numpy and whoosh before it prints one line.

A package declares its exports once, as the relative imports of an `if TYPE_CHECKING:` block of its
`__init__`: type checkers read them there, and `lazy_exports` reads the same block (its source) to know
which submodule holds each name, the first time one is asked for.
"""
from __future__ import annotations

import functools
import importlib
import importlib.machinery
import importlib.util
import re
import sys
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any


def declared_exports(source: str) -> dict[str, tuple[str, str]]:
    """Name -> (relative module, its name there) of each `from .module import name [as other]` in the
    source's `if TYPE_CHECKING:` block."""
    import ast  # here: most processes import a package and never ask it for an export

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


def compiled(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A module's regular expression as a getter, compiled at its first use rather than at the module's
    import: a search imports corpus modules for a table or one small function and runs none of their
    parsing (`_RULE = compiled(r"...")`, then `_RULE().match(line)`)."""
    return functools.cache(functools.partial(re.compile, pattern, flags))


def lazy_exports(package: str) -> None:
    """Make each export declared in `package`'s `if TYPE_CHECKING:` block an attribute imported on first use."""
    sys.modules[package].__class__ = _LazyPackage


class _Deferred(types.ModuleType):
    """A module whose code has not run yet: the first attribute it does not have runs it (its name, spec,
    file and path are there from the start, so importing it again, or a submodule of it, does not)."""

    def __getattr__(self, name: str) -> Any:
        if name == "__path__":  # `from module import name` asks whether it is a package: a package has it
            raise AttributeError(name)
        _run(self)
        return getattr(self, name)


def _run(module: Any) -> None:
    """Run a deferred module's code in its own module object (once; its stand-ins give way)."""
    if module.__class__ is not _Deferred:  # run already
        return
    loader = module.__dict__.pop("_deferred_loader")
    for name in module.__dict__.pop("_deferred_stand_ins"):
        module.__dict__.pop(name, None)
    module.__class__ = types.ModuleType  # type: ignore[assignment]  # back to a plain module
    assert module.__spec__ is not None
    module.__spec__.loader = module.__loader__ = loader
    loader.exec_module(module)


def _stand_in(module: types.ModuleType, name: str):
    """A function for `from module import name` that runs the module when it is called."""

    def call(*args: Any, **kwargs: Any) -> Any:
        _run(module)
        return getattr(module, name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__module__ = module.__name__
    return call


class _DeferredLoader:
    """Makes the module as its own loader would and leaves its code for the first use (_Deferred)."""

    def __init__(self, loader: Any, stand_ins: tuple[str, ...]) -> None:
        self.loader, self.stand_ins = loader, stand_ins

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        module.__dict__["_deferred_loader"] = self.loader
        module.__dict__["_deferred_stand_ins"] = self.stand_ins
        for name in self.stand_ins:
            module.__dict__[name] = _stand_in(module, name)
        module.__class__ = _Deferred


class _Deferring:
    """A meta path finder deferring the named modules' code to their first use (_Deferred); `stand_ins`
    names, per module, the functions another module takes with `from module import name` at its import
    and does not call: each is given a stand-in that runs the module when called. Only modules whose
    loader makes a plain module (Python source, not an extension) are deferred."""

    def __init__(self, names: tuple[str, ...], stand_ins: Mapping[str, tuple[str, ...]]) -> None:
        self.names = set(names) | set(stand_ins)
        self.stand_ins = stand_ins

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name not in self.names:
            return None
        self.names.discard(name)  # importlib.util.find_spec below asks this finder again
        spec = importlib.util.find_spec(name)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return spec
        deferred: Any = _DeferredLoader(spec.loader, tuple(self.stand_ins.get(name, ())))  # a Loader, duck-typed
        spec.loader = deferred
        return spec


def defer_imports(names: tuple[str, ...], stand_ins: Mapping[str, tuple[str, ...]] | None = None) -> None:
    """Let each named module, not yet imported, run its code only when something uses it: for a module a
    library imports only to import another that is never used (whoosh.reading imports cached_property,
    which imports asyncio). `stand_ins`: modules deferred the same way, with the functions another module
    takes from them by name (whoosh.compat's `from urllib.request import urlretrieve`). For a one-shot
    process: the code then runs at that first use, in whichever thread it is, unguarded."""
    stand_ins = dict(stand_ins or {})
    pending = tuple(name for name in names if name not in sys.modules)
    stand_ins = {name: attrs for name, attrs in stand_ins.items() if name not in sys.modules}
    if pending or stand_ins:
        sys.meta_path.insert(0, _Deferring(pending, stand_ins))
