"""The report's figures: the headline distributions and the belief trajectory (the sensitivity
plots come from :mod:`cruxnet.sensitivity.plots`, the network from :mod:`cruxnet.views.netview`).
Each returns a matplotlib Figure; :func:`png` encodes one for inlining."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.figure import Figure

    from cruxnet.base.types import NDArray
    from cruxnet.report.content import Report

__all__ = ["axis_range", "distribution_figure", "plot_trajectory", "png",
           "trajectory_figure"]

WORLDVIEW_COLOURS = ("#3b7dd8", "#d8553b", "#4f9d69", "#8e5bb5", "#e0a020", "#555555")


def png(fig: Figure, dpi: int = 90) -> bytes:
    """The figure as PNG bytes for a report (:func:`cruxnet.base.figure.png_bytes` at 90 dpi)."""
    from cruxnet.base.figure import png_bytes

    return png_bytes(fig, dpi)


def axis_range(samples: Sequence[NDArray]) -> tuple[float, float]:
    """An axis that fits the draws: from the smallest to the largest (0.5% to 99.5%
    quantiles of all of them), widened by a tenth, kept within [0, 1].

    >>> axis_range([np.array([0.01, 0.02, 0.03])])
    (0.00812, 0.03188)
    """
    values = np.concatenate([np.asarray(v, dtype=float).ravel() for v in samples])
    values = values[np.isfinite(values)]
    if not len(values):
        return 0.0, 1.0
    lo, hi = (float(x) for x in np.quantile(values, [0.005, 0.995]))
    pad = max((hi - lo) / 10, 1e-6)
    return max(0.0, round(lo - pad, 6)), min(1.0, round(hi + pad, 6))


def distribution_figure(report: Report) -> Figure:
    """P(target) across parameter draws, one histogram outline per worldview, with the
    90% intervals marked."""
    from cruxnet.base.figure import new_figure

    fig = new_figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.add_subplot()
    lo_all, hi_all = axis_range([s.samples for s in report.sections])
    bins = np.linspace(lo_all, hi_all, 81).tolist()
    for i, s in enumerate(report.sections):
        colour = WORLDVIEW_COLOURS[i % len(WORLDVIEW_COLOURS)]
        ax.hist(s.samples, bins=bins, density=True, histtype="step", lw=1.8, color=colour,
                label=f"{s.worldview} (mean {s.summary.mean[report.state]:.3f})")
        lo, hi = s.summary.interval[report.state]
        ax.axvspan(lo, hi, color=colour, alpha=0.08)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(f"P({report.target}={report.state}) across parameter draws "
                  "(shaded: 90% intervals)")
    ax.set_ylabel("density")
    ax.set_xlim(lo_all, hi_all)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(f"How sure is each worldview about P({report.target}={report.state})?",
                 fontsize=11)
    return fig


def trajectory_figure(report: Report) -> Figure:
    """P(target) after each ledger entry, one line per worldview with its 90% band."""
    return plot_trajectory({s.worldview: s.trajectory for s in report.sections
                            if s.trajectory is not None})


def plot_trajectory(trajectories: xr.Dataset | Mapping[str, xr.Dataset]) -> Figure:
    """Belief trajectories from :func:`cruxnet.updating.ledger.replay_ledger`: P(target) after each
    entry with its credible band, one line per worldview (a Dataset, or name -> Dataset)."""
    import xarray as xr

    from cruxnet.base.figure import new_figure

    if isinstance(trajectories, xr.Dataset):  # (a Dataset is itself a Mapping)
        trajectories = {str(trajectories.attrs.get("worldview", "")): trajectories}
    if not trajectories:
        raise ValueError("no trajectory to plot")
    fig = new_figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.add_subplot()
    for i, (name, t) in enumerate(trajectories.items()):
        colour = WORLDVIEW_COLOURS[i % len(WORLDVIEW_COLOURS)]
        steps = t.step.values
        ax.plot(steps, t.p.values, "o-", color=colour, label=name)
        ax.fill_between(steps, t.interval.values[:, 0], t.interval.values[:, 1],
                        color=colour, alpha=0.12)
    first = next(iter(trajectories.values()))
    ax.set_xticks(first.step.values, [str(e) if len(str(e)) < 28 else str(e)[:26] + "…"
                                      for e in first.entry.values], rotation=25, ha="right",
                  fontsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_ylim(0, 1)
    mass = float(first.attrs.get("ci_prob", 0.9))
    ax.set_ylabel(f"P({first.attrs.get('target', '')}={first.attrs.get('state', '')})")
    ax.set_title(f"Belief trajectory: after each ledger entry (bands: {mass:.0%} intervals)",
                 fontsize=11)
    ax.legend(fontsize=8, frameon=False)
    return fig
