"""Plots of sensitivity results (matplotlib): one function per result, one consistent style.

Each takes the Dataset the analysis returned and gives a ``matplotlib.figure.Figure``; the
axes are labelled with the question, so a plot read on its own says what it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.figure import Figure

__all__ = ["plot", "plot_levers", "plot_shapley", "plot_sobol", "plot_tornado"]

LOW, HIGH, NEUTRAL = "#3b7dd8", "#d8553b", "#777777"


def _figure(rows: int) -> tuple[Figure, Any]:
    from cruxnet.base.figure import new_figure

    fig = new_figure(figsize=(8, 1.2 + 0.32 * max(rows, 1)), layout="constrained")
    ax = fig.add_subplot()
    ax.tick_params(labelsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _question(ds: xr.Dataset) -> str:
    ev = ds.attrs.get("evidence", "")
    return (f"P({ds.attrs.get('target')}={ds.attrs.get('state')}"
            f"{' | ' + ev if ev and ev != 'no evidence' else ''})")


def _bars(ds: xr.Dataset, dim: str, top: int | None) -> tuple[xr.Dataset, Figure, Any, Any]:
    """The first ``top`` rows (all if None), reversed so the first is drawn at the top; a
    figure sized for them, its axes, and the bars' y positions."""
    d = ds.isel({dim: slice(0, top)}).isel({dim: slice(None, None, -1)})
    fig, ax = _figure(d.sizes[dim])
    return d, fig, ax, np.arange(d.sizes[dim])


def plot_tornado(ds: xr.Dataset, top: int = 15) -> Figure:
    """Bars from P(target | node = its lowest state) to P(target | its highest), around the
    baseline; the thin line is the swing's credible interval placed on the bar's midpoint."""
    d, fig, ax, y = _bars(ds, "node", top)
    base = float(ds.attrs["baseline"])
    ax.barh(y, d.high - base, left=base, color=HIGH, height=0.6, label="state giving the highest P")
    ax.barh(y, d.low - base, left=base, color=LOW, height=0.6, label="state giving the lowest P")
    ax.axvline(base, color="black", lw=0.8)
    labels = [f"{n}  ({lo} → {hi})" for n, lo, hi in
              zip(d.node.values, d.low_state.values, d.high_state.values, strict=True)]
    ax.set_yticks(y, labels)
    ax.set_xlabel(f"{_question(ds)} given the node's state (baseline {base:.3f})")
    ax.set_title(f"Tornado: which node moves {_question(ds)} most", fontsize=11)
    ax.legend(fontsize=8, loc="best", frameon=False)
    return fig


def plot_levers(ds: xr.Dataset) -> Figure:
    """Causal effect of moving each lever bottom → top (do), with its interval, beside the
    same move observed (open marker)."""
    d, fig, ax, y = _bars(ds, "lever", None)
    eff = d.effect.values
    ci = d.effect_ci.values
    err = np.vstack([eff - ci[:, 0], ci[:, 1] - eff])
    err = np.where(np.isfinite(err), err, 0.0)
    ax.barh(y, eff, color=np.where(eff < 0, LOW, HIGH), height=0.6, label="do(bottom → top)")
    ax.errorbar(eff, y, xerr=err, fmt="none", ecolor="black", lw=1, capsize=3)
    ax.plot(d.observed_effect.values, y, "o", mfc="white", mec="black", ms=5,
            label="observed bottom → top")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [f"{lv}  ({lo} → {hi})" for lv, lo, hi in
                      zip(d.lever.values, d.low_state.values, d.high_state.values,
                          strict=True)])
    ax.set_xlabel(f"change in {_question(ds)}")
    ax.set_title("Levers: doing vs observing", fontsize=11)
    ax.legend(fontsize=8, loc="best", frameon=False)
    return fig


def plot_sobol(ds: xr.Dataset, top: int = 15) -> Figure:
    """First-order and total Sobol indices with their bootstrap half-widths."""
    d, fig, ax, y = _bars(ds, "factor", top)
    ax.barh(y + 0.18, d.ST, xerr=d.ST_conf, height=0.35, color=HIGH, label="total (ST)")
    ax.barh(y - 0.18, d.S1, xerr=d.S1_conf, height=0.35, color=LOW, label="first order (S1)")
    ax.set_yticks(y, [str(f) for f in d.factor.values])
    ax.set_xlabel(f"share of the variance of {_question(ds)}")
    ax.set_title("Sobol indices: whose uncertainty drives the answer's uncertainty", fontsize=11)
    ax.legend(fontsize=8, loc="best", frameon=False)
    return fig


def plot_shapley(ds: xr.Dataset, top: int = 15) -> Figure:
    """Each node's share of the log-odds difference between two worldviews."""
    d, fig, ax, y = _bars(ds, "node", top)
    c = d.contribution.values
    ax.barh(y, c, color=np.where(c < 0, LOW, HIGH), height=0.6)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [str(n) for n in d.node.values])
    a, b = ds.attrs["worldview_a"], ds.attrs["worldview_b"]
    ax.set_xlabel(f"contribution to logit P_{{{b}}} - logit P_{{{a}}} "
                  f"(total {ds.attrs['total']:+.3f})")
    ax.set_title(f"Why {b} and {a} disagree on P({ds.attrs['target']}={ds.attrs['state']}): "
                 f"{ds.attrs['p_a']:.3f} vs {ds.attrs['p_b']:.3f}", fontsize=11)
    return fig


def plot(ds: xr.Dataset, method: str) -> Figure:
    """The plot for a CLI method name."""
    fn = {"tornado": plot_tornado, "levers": plot_levers, "sobol": plot_sobol,
          "compare": plot_shapley}.get(method)
    if fn is None:
        from cruxnet.sensitivity.common import SensitivityError

        raise SensitivityError(f"no plot for method {method!r}; plots exist for "
                               "compare, levers, sobol, tornado")
    return fn(ds)
