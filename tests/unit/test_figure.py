"""Figures that show themselves in Jupyter (issue 16, item 2): a PNG at the figure's size, and
still a plain matplotlib Figure."""

from __future__ import annotations

import re

from cruxnet.sensitivity import Question, node_swings


def test_figures_show_themselves(net) -> None:
    from cruxnet.base.figure import Figure
    from cruxnet.sensitivity.plots import plot_tornado

    fig = plot_tornado(node_swings(Question(net, "catastrophe", draws=0)))
    assert isinstance(fig, Figure)
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (w, h) == tuple(round(x * 100) for x in fig.get_size_inches())
    assert re.match(r"<Figure size", repr(fig))  # still a plain matplotlib Figure
