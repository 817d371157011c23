"""The network drawn with its beliefs: an SVG where every node is a box with one bar per state.

Each box shows the node's label and, per state, the belief P(state | evidence) as a bar and a
number; with parameter draws, a whisker over the bar spans the 90% interval. Where evidence
moved a belief, the prior is drawn faintly beside it. Hard evidence, likelihood evidence,
fixed marginals, do() and stated marginals are marked apart (a badge, a border style, and
for do() the cut edges drawn dashed). Roles colour the strip on the left of each box;
headline cruxes have a thick outline; the legend below says so.

The layout is :func:`cruxnet.views.layout.layered_layout` (causes left, outcome right,
crossings minimised); :class:`NetworkView` keeps it with the numbers it drew, and displays
itself in Jupyter. :func:`show` (exported from ``cruxnet``) is also ``net.show()``: this module
registers it in :data:`cruxnet.model.network.VIEWS`, so the network calls it without
importing the layers that draw it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cruxnet.base.display import escape_markup
from cruxnet.base.writer import write_atomic
from cruxnet.inference.evidence import Evidence
from cruxnet.inference.exact import posterior
from cruxnet.inference.summary import equal_tailed
from cruxnet.model.network import VIEWS, BayesNet
from cruxnet.model.spec import ModelSpec
from cruxnet.views.layout import Layout, layered_layout

__all__ = ["BOX_W", "EVIDENCE_COLOURS", "ROLE_COLOURS", "NetworkView", "box_height",
           "network_layout", "network_svg", "network_view", "show"]

ROLE_COLOURS = {"crux": "#3b7dd8", "mechanism": "#8a8f98", "lever": "#4f9d69",
                "outcome": "#d8553b"}
EVIDENCE_COLOURS = {"observed": "#1f2d3d", "likelihood": "#b07d00", "fixed": "#b07d00",
                    "do": "#8e44ad", "stated": "#0b7a75"}
BOX_W = 172.0
HEADER = 32.0
ROW = 15.0
PAD = 6.0
LABEL_PX = 11.0  # label font size
STATE_PX = 10.0  # state and number font size
NAME_W = 64.0  # state names column
BAR_W = 62.0  # bar column (the rest is the number)
#: Width of one character at 1 px font size, generous for DejaVu/Liberation Sans (bold).
CHAR_EM = 0.62


def _fit(text: str, px: float, width: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``width`` at font size ``px``."""
    most = max(1, int(width / (px * CHAR_EM)))
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def _esc(text: str) -> str:
    return escape_markup(text, quote=True)


@dataclass(frozen=True)
class NetworkView:
    """An SVG picture of a network with its beliefs, and the numbers it shows.

    Attributes
    ----------
    svg
        The picture (a standalone SVG document).
    layout
        The layout it used (boxes, edge routes, crossings).
    beliefs, prior
        Node -> P(state | evidence), and P(state) without evidence (the same if none given).
    intervals
        Node -> (states, 2) 90% interval over parameter draws, or empty (no draws).
    marks
        Node -> how evidence touches it: observed, likelihood, fixed, do or stated.
    """

    svg: str
    layout: Layout
    beliefs: Mapping[str, np.ndarray[Any, Any]]
    prior: Mapping[str, np.ndarray[Any, Any]]
    intervals: Mapping[str, np.ndarray[Any, Any]] = field(default_factory=dict)
    marks: Mapping[str, str] = field(default_factory=dict)

    @property
    def crossings(self) -> int:
        """Edge crossings of the layout."""
        return self.layout.crossings

    def save(self, path: str | Path) -> Path:
        """Write the SVG to ``path`` (whole or not at all)."""
        return write_atomic(path, self.svg)

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        # At its natural size (labels stay legible), scrolling sideways in a narrow cell.
        return f'<div style="overflow-x:auto;max-width:100%">{self.svg}</div>'

    def __repr__(self) -> str:
        return (f"NetworkView({len(self.beliefs)} nodes, {self.crossings} edge crossings, "
                f"{int(self.layout.width)}x{int(self.layout.height)} px)")


def _marks(net: BayesNet, ev: Evidence) -> dict[str, str]:
    marks = {n: "stated" for n in net.marginals}
    marks.update({n: "likelihood" for n in ev.likelihood})
    marks.update({n: "fixed" for n in ev.fixed})
    marks.update({n: "observed" for n in ev.hard})
    marks.update({n: "do" for n in ev.do})
    return marks


def box_height(card: int) -> float:
    return HEADER + ROW * card + PAD


def network_layout(spec: ModelSpec) -> Layout:
    """The layered layout of ``spec`` with this picture's box sizes (the explorer uses it)."""
    return layered_layout(spec, lambda n: (BOX_W, box_height(spec.node(n).card)),
                          column_gap=46.0, row_gap=14.0)


def network_view(net: BayesNet, evidence: Evidence | Mapping[str, Any] | None = None, *,
                 draws: int | None = None, seed: int = 0, target: str | None = None,
                 ci_prob: float = 0.9, ess: float | None = None) -> NetworkView:
    """Draw ``net`` with every node's beliefs under ``evidence`` (see the module docstring).

    Parameters
    ----------
    net
        The network.
    evidence
        An :class:`~cruxnet.inference.evidence.Evidence`, or a plain mapping of hard evidence
        ``{"scheming": "no"}``.
    draws, seed, ess
        With ``draws``, a ``ci_prob`` interval over that many parameter draws on every bar
        (``ess``: the uncertainty of tables that state none, as for BIF networks).
    target
        The node outlined as the target (default: the model's default target).

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> view = network_view(load_network("carlsmith_2021"), {"incentives": "yes"})
    >>> round(float(view.beliefs["incentives"][1]), 6), view.marks
    (1.0, {'incentives': 'observed'})
    """
    from cruxnet.base.limits import check_picture_size

    check_picture_size(len(net.spec.node_ids), net.spec.name)
    ev = Evidence.of(evidence)
    spec = net.spec
    target = target or spec.default_target()
    beliefs = {n: posterior(net, n, ev).probs for n in spec.node_ids}
    prior = ({n: posterior(net, n).probs for n in spec.node_ids} if not ev.is_empty()
             else beliefs)
    intervals: dict[str, np.ndarray[Any, Any]] = {}
    if draws:
        from cruxnet.beliefs import Beliefs

        held = Beliefs(net, ev, draws=draws, seed=seed, ess=ess)  # one set of draws for all
        for n in spec.node_ids:
            intervals[n] = equal_tailed(held.posterior_draws(n, shared=True).probs, ci_prob)
    marks = _marks(net, ev)
    layout = network_layout(spec)
    svg = network_svg(net, layout, beliefs, prior, intervals, marks, ev, target, ci_prob)
    return NetworkView(svg=svg, layout=layout, beliefs=beliefs, prior=prior,
                       intervals=intervals, marks=marks)


def show(net: BayesNet, evidence: Evidence | Mapping[str, Any] | None = None, *,
         draws: int | None = None, seed: int = 0, target: str | None = None) -> NetworkView:
    """The network with its beliefs, for a notebook cell: ``show(net, {"scheming": "no"},
    draws=1000)`` (see :func:`network_view`)."""
    return network_view(net, evidence, draws=draws, seed=seed, target=target)


VIEWS["show"] = show

LEGEND_H = 64.0


def network_svg(net: BayesNet, layout: Layout, beliefs: Mapping[str, Any],
                prior: Mapping[str, Any], intervals: Mapping[str, Any], marks: Mapping[str, str],
                ev: Evidence, target: str, ci_prob: float, *, interactive: bool = False) -> str:
    """The SVG document of :func:`network_view`. With ``interactive``, every state row also
    carries the elements a page updates in place (a click area, the prior line, the interval
    whisker and a comparison tick, hidden until used): the explorer's picture is this one."""
    spec = net.spec
    width, height = layout.width, layout.height + LEGEND_H
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
           f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
           'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" '
           'class="cruxnet-network">',
           "<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" "
           "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" "
           "fill=\"#9aa0a6\"/></marker></defs>",
           f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>']
    for (p, c), pts in layout.routes.items():
        cut = c in ev.do
        d = f"M{pts[0][0]:.1f},{pts[0][1]:.1f}"
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            mx = (x0 + x1) / 2
            d += f" C{mx:.1f},{y0:.1f} {mx:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        style = ('stroke-dasharray="4,3" opacity="0.45"' if cut else 'opacity="0.8"')
        out.append(f'<path d="{d}" fill="none" stroke="#9aa0a6" stroke-width="1.1" {style} '
                   f'marker-end="url(#arrow)" data-edge="{_esc(p)}->{_esc(c)}"/>')
    for node in spec.nodes:
        out.append(_node_svg(node.id, net, layout, beliefs, prior, intervals, marks, target,
                             interactive))
    out.append(_legend(layout.height, ci_prob, bool(intervals)))
    out.append("</svg>")
    return "\n".join(out)


def _node_svg(nid: str, net: BayesNet, layout: Layout, beliefs: Mapping[str, Any],
              prior: Mapping[str, Any], intervals: Mapping[str, Any], marks: Mapping[str, str],
              target: str, interactive: bool = False) -> str:
    spec = net.spec
    n = spec.node(nid)
    b = layout.boxes[nid]
    mark = marks.get(nid)
    border = EVIDENCE_COLOURS.get(mark or "", "#55595f")
    stroke_w = 2.6 if n.headline or nid == target else 1.0
    if nid == target:
        border = "#d8553b"
    dash = ' stroke-dasharray="5,3"' if mark in ("likelihood", "fixed") else ""
    parts = [f'<g class="node" data-node="{_esc(nid)}" transform="translate({b.x:.1f},'
             f'{b.y:.1f})">',
             f"<title>{_esc(n.label or nid)} ({_esc(nid)}): {_esc(n.definition)}</title>",
             f'<rect width="{b.width:.1f}" height="{b.height:.1f}" rx="4" fill="#ffffff" '
             f'stroke="{border}" stroke-width="{stroke_w}"{dash}/>',
             f'<rect width="5" height="{b.height:.1f}" rx="2" '
             f'fill="{ROLE_COLOURS.get(n.role, "#8a8f98")}"/>']
    badge = {"observed": "observed", "likelihood": "likelihood", "fixed": "fixed",
             "do": "do()", "stated": "stated"}.get(mark or "")
    label_w = b.width - 14 - (len(badge) * 6.4 + 14 if badge else 0)
    label = _fit(n.label or nid, LABEL_PX, label_w)
    parts.append(f'<text class="label" x="10" y="14" font-size="{LABEL_PX:g}" '
                 f'font-weight="bold" fill="#1f2328">{_esc(label)}</text>')
    parts.append(f'<text class="node-id" x="10" y="26" font-size="{STATE_PX:g}" '
                 f'fill="#6a737d">{_esc(_fit(nid, STATE_PX, b.width - 16))}</text>')
    if badge:
        bw = len(badge) * 6.4 + 8
        colour = EVIDENCE_COLOURS[mark or ""]
        parts.append(f'<g class="badge" data-mark="{mark}"><rect x="{b.width - bw - 4:.1f}" '
                     f'y="4" width="{bw:.1f}" height="13" rx="3" fill="{colour}"/>'
                     f'<text x="{b.width - bw / 2 - 4:.1f}" y="14" font-size="{STATE_PX:g}" '
                     f'text-anchor="middle" fill="white">{badge}</text></g>')
    post, pri = beliefs[nid], prior[nid]
    moved = bool(np.max(np.abs(post - pri)) > 0.005)
    ci = intervals.get(nid)
    for i, state in enumerate(n.states):
        y = HEADER + ROW * i
        p = float(post[i])
        x_bar = 8 + NAME_W
        observed = mark in ("observed", "do") and p > 0.999
        fill = EVIDENCE_COLOURS["observed"] if observed else ROLE_COLOURS.get(n.role, "#3b7dd8")
        parts.append(f'<g class="state" data-node="{_esc(nid)}" data-state="{_esc(state)}" '
                     f'data-p="{p!r}">')
        if interactive:
            parts.append(f'<rect class="hit" x="5" y="{y:.1f}" width="{b.width - 5:.1f}" '
                         f'height="{ROW:g}" fill="transparent"/>')
        parts.append(f'<text x="10" y="{y + 10:.1f}" font-size="{STATE_PX:g}" fill="#1f2328">'
                     f"{_esc(_fit(state, STATE_PX, NAME_W - 4))}</text>")
        parts.append(f'<rect x="{x_bar:.1f}" y="{y + 2:.1f}" width="{BAR_W:.1f}" height="9" '
                     'fill="#eef0f2"/>')
        if moved or interactive:
            hidden = "" if moved else ' visibility="hidden"'
            parts.append(f'<rect class="prior" x="{x_bar:.1f}" y="{y + 11:.1f}" '
                         f'width="{BAR_W * float(pri[i]):.2f}" height="2.5" fill="#9aa0a6" '
                         f'opacity="0.8"{hidden}><title>without the evidence: '
                         f"{float(pri[i]):.3f}</title></rect>")
        parts.append(f'<rect class="belief" x="{x_bar:.1f}" y="{y + 2:.1f}" '
                     f'width="{BAR_W * p:.2f}" height="9" fill="{fill}"/>')
        if ci is not None or interactive:
            lo, hi = (float(v) for v in ci[i]) if ci is not None else (0.0, 0.0)
            hidden = "" if ci is not None else ' visibility="hidden"'
            parts.append(f'<line class="interval" x1="{x_bar + BAR_W * lo:.2f}" '
                         f'x2="{x_bar + BAR_W * hi:.2f}" y1="{y + 6.5:.1f}" y2="{y + 6.5:.1f}" '
                         f'stroke="#1f2328" stroke-width="1.2"{hidden}/>')
        if interactive:
            parts.append(f'<rect class="compare" x="{x_bar:.1f}" y="{y:.1f}" width="2" '
                         'height="13" fill="#e08a00" visibility="hidden"/>')
        parts.append(f'<text class="value" x="{b.width - 6:.1f}" y="{y + 10:.1f}" '
                     f'font-size="{STATE_PX:g}" text-anchor="end" fill="#1f2328">'
                     f"{_pct(p)}</text>")
        parts.append("</g>")
    parts.append("</g>")
    return "".join(parts)


def _pct(p: float) -> str:
    if p >= 0.9995 or p == 0:
        return f"{100 * p:.0f}%"
    if p < 0.001:
        return "<0.1%"
    return f"{100 * p:.1f}%"


def _legend(top: float, ci_prob: float, with_ci: bool) -> str:
    y = top + 8
    items = []
    x = 12.0
    for role, colour in ROLE_COLOURS.items():
        items.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14:.0f}" y="{y + 9:.0f}" font-size="10">{role}</text>')
        x += 14 + len(role) * 6.5 + 16
    items.append(f'<rect x="{x:.0f}" y="{y - 1:.0f}" width="22" height="12" fill="none" '
                 f'stroke="#55595f" stroke-width="2.6"/><text x="{x + 27:.0f}" y="{y + 9:.0f}" '
                 'font-size="10">headline crux (red: the target)</text>')
    y2 = y + 22
    x = 12.0
    for mark, text in (("observed", "observed (hard evidence)"),
                       ("likelihood", "likelihood or fixed marginal (dashed)"),
                       ("do", "do(): set, its incoming edges cut (dashed)"),
                       ("stated", "stated marginal (your view)")):
        items.append(f'<rect x="{x:.0f}" y="{y2:.0f}" width="10" height="10" rx="2" '
                     f'fill="{EVIDENCE_COLOURS[mark]}"/><text x="{x + 14:.0f}" y="{y2 + 9:.0f}" '
                     f'font-size="10">{text}</text>')
        x += 14 + len(text) * 5.6 + 18
    y3 = y2 + 20
    extra = (f"; the black line spans the {ci_prob:.0%} interval over parameter draws"
             if with_ci else "")
    items.append(f'<rect x="12" y="{y3 + 2:.0f}" width="30" height="3" fill="#9aa0a6"/>'
                 f'<text x="48" y="{y3 + 7:.0f}" font-size="10">grey line under a bar: the '
                 f"belief without the evidence{extra}</text>")
    return '<g class="legend">' + "".join(items) + "</g>"
