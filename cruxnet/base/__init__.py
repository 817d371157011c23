"""The floor every other part of cruxnet stands on, importing nothing of cruxnet: errors and
warnings (:mod:`~cruxnet.base.errors`), input checks (:mod:`~cruxnet.base.validate`), the array
type, the version, safe YAML reading, HTML tables and self-displaying figures.

Importing a module here does not import the others (the figure helpers load matplotlib only
when asked for)."""

from __future__ import annotations

from typing import Any

__all__ = ["Figure", "new_figure", "png_bytes"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from cruxnet.base import figure

        return getattr(figure, name)
    raise AttributeError(f"module 'cruxnet.base' has no attribute {name!r}")
