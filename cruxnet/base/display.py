"""Small HTML tables for Jupyter's rich display (``_repr_html_``) of cruxnet's results.

Every text that comes from a model or worldview file is escaped. The tables use no scripts
and no external styles, so they render the same in JupyterLab, VS Code and on GitHub.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

__all__ = ["bar_html", "escape_markup", "html_table"]

#: Characters XML 1.0 forbids even as references (C0 controls but tab, newline and return;
#: lone surrogates; U+FFFE and U+FFFF): a browser refuses an SVG that holds one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_markup(text: str, quote: bool = True) -> str:
    """Text for HTML, SVG or XML: escaped as :func:`html.escape` does, and any character XML
    forbids replaced by U+FFFD, so what is written is always well-formed.

    >>> escape_markup("a <b> & \x01c")
    'a &lt;b&gt; &amp; \ufffdc'
    """
    return _NOT_XML.sub("\ufffd", html.escape(text, quote=quote))

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
    head = "".join(f'<th style="{_CELL}">{escape_markup(str(h))}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">'
                         f'{cell if i in raw else escape_markup(str(cell))}</td>'
                         for i, cell in enumerate(row)) + "</tr>"
        for row in rows)
    cap = (f'<caption style="text-align:left;font-weight:bold;padding:2px 0">'
           f"{escape_markup(caption)}</caption>") if caption else ""
    return f'<table style="{_STYLE}">{cap}<tr>{head}</tr>{body}</table>'
