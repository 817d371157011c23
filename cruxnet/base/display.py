"""Small HTML tables for Jupyter's rich display (``_repr_html_``) of cruxnet's results.

Every text that comes from a model or worldview file is escaped. The tables use no scripts
and no external styles, so they render the same in JupyterLab, VS Code and on GitHub.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["bar_html", "html_table"]

_STYLE = "border-collapse:collapse;font-size:12px"
_CELL = "padding:2px 8px;text-align:left;border-bottom:1px solid #ddd"


def bar_html(p: float, width: int = 120) -> str:
    """A probability as an inline bar (for a table cell)."""
    w = max(0, min(width, round(p * width)))
    return (f'<span style="display:inline-block;width:{width}px;height:9px;background:#eee">'
            f'<span style="display:block;width:{w}px;height:9px;background:#3b7dd8"></span>'
            "</span>")


def html_table(header: Sequence[str], rows: Iterable[Sequence[object]], *, caption: str = "",
               raw: Sequence[int] = ()) -> str:
    """An HTML table; cells are escaped except the columns listed in ``raw`` (bars)."""
    head = "".join(f'<th style="{_CELL}">{html.escape(str(h))}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">'
                         f'{cell if i in raw else html.escape(str(cell))}</td>'
                         for i, cell in enumerate(row)) + "</tr>"
        for row in rows)
    cap = (f'<caption style="text-align:left;font-weight:bold;padding:2px 0">'
           f"{html.escape(caption)}</caption>") if caption else ""
    return f'<table style="{_STYLE}">{cap}<tr>{head}</tr>{body}</table>'
