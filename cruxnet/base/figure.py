"""Figures that show themselves in Jupyter: every plot cruxnet returns is a
:class:`matplotlib.figure.Figure` that also knows how to display as an image.

A Figure made without pyplot has no display hook unless the kernel's inline backend happens to
be active, so Jupyter would print ``<Figure size 800x600 with 1 Axes>``. :class:`Figure` adds
``_repr_png_`` (IPython's rich display protocol), so the figure a cell returns is shown with
no ``%matplotlib`` magic and no pyplot; it stays a plain matplotlib Figure for ``savefig`` and
for the reports.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.figure import Figure as _MplFigure

__all__ = ["Figure", "figure_bytes", "new_figure", "png_bytes"]


def png_bytes(fig: _MplFigure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (deterministic: no software stamp in the metadata)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def figure_bytes(fig: _MplFigure, fmt: str = "png", dpi: int = 100) -> bytes:
    """The figure as ``fmt`` bytes (png, svg or pdf), with no date or software stamp."""
    buf = io.BytesIO()
    meta: dict[str, Any] = {"png": {"Software": None}, "svg": {"Date": None},
                            "pdf": {"CreationDate": None, "Producer": None}}.get(fmt, {})
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()


class Figure(_MplFigure):
    """A matplotlib Figure with a PNG display for Jupyter."""

    def _repr_png_(self) -> bytes:
        return png_bytes(self)


def new_figure(**kwargs: Any) -> Figure:
    """A new :class:`Figure` (keyword arguments as for matplotlib's Figure)."""
    return Figure(**kwargs)
