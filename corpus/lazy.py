"""Package attributes imported on first use, so that `referat --version` does not load every format
reader, numpy and whoosh before it prints one line."""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class _LazyPackage(types.ModuleType):
    _lazy: dict[str, str]

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
        if isinstance(value, types.ModuleType) and self.__dict__.get("_lazy", {}).get(name) == f".{name}":
            value = getattr(value, name)
        super().__setattr__(name, value)


def lazy_exports(package: str, table: dict[str, str]) -> None:
    """Make each name of `table` an attribute of `package`, imported from its submodule on first use."""
    module = sys.modules[package]
    module.__class__ = _LazyPackage
    module._lazy = table
