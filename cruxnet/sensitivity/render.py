"""Sensitivity results as JSON records and as plain-text tables (for the CLI and reports)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["COLUMNS", "to_records", "to_text"]

#: Per method: the columns a text table shows, in order (``name_ci`` shows as an interval).
COLUMNS: dict[str, tuple[str, ...]] = {
    "tornado": ("low_state", "low", "high_state", "high", "swing", "swing_ci", "do_swing",
                "contradicting_states", "p_contradiction"),
    "functions": ("value", "theta_low", "theta_high", "f_low", "f_high", "swing"),
    "voi": ("variance_reduction", "variance_reduction_ci", "mutual_information",
            "expected_shift", "contradicting_states", "p_contradiction"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "levers": ("low_state", "high_state", "do_low", "do_high", "effect", "effect_ci",
               "observed_effect", "rank_stability", "p_top"),
    "compare": ("contribution", "share"),
    "belief-change": ("state", "shift", "p_node_before", "p_node_after"),
    "observations": ("p_cross", "p_cross_ci", "crossing_states"),
}


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def to_records(ds: xr.Dataset) -> dict[str, Any]:
    """``{"attrs": ..., "rows": [...]}``: one row per entry of the dataset's main dim, each
    variable a value (``*_ci`` a ``[lower, upper]`` pair). NaN becomes null."""
    dim = str(next(d for d in ds.dims if d != "ci_bound"))
    rows = []
    for i in range(ds.sizes[dim]):
        row: dict[str, Any] = {dim: _plain(ds[dim].values[i])}
        for name, var in ds.data_vars.items():
            val = var.isel({dim: i}).values
            row[str(name)] = ([_plain(x) for x in val.tolist()] if val.ndim
                              else _plain(val.item() if hasattr(val, "item") else val))
        rows.append(row)
    return {"attrs": {k: _plain(v) for k, v in ds.attrs.items()}, "rows": rows}


def _cell(v: Any) -> str:
    """A table cell: three decimals, or for a value too small to show that way, two significant
    figures in scientific notation (so 1.0e-04 never sits beside 0.002 as 0.0001038).

    >>> [_cell(x) for x in (0.1234, 0.002, 0.0001038, 0.0, None, [0.01, 0.2])]
    ['0.123', '0.002', '1.0e-04', '0.000', '-', '[0.010, 0.200]']
    """
    if isinstance(v, list):
        if any(x is None for x in v):
            return "-"
        return f"[{v[0]:.3f}, {v[1]:.3f}]"
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1e}" if 0 < abs(v) < 5e-4 else f"{v:.3f}"
    return str(v)


def to_text(ds: xr.Dataset, method: str, top: int | None = None) -> str:
    """A fixed-width table of the method's columns, ``top`` rows at most."""
    rec = to_records(ds)
    dim = str(next(d for d in ds.dims if d != "ci_bound"))
    cols = [c for c in COLUMNS[method] if c in ds.data_vars]
    rows = rec["rows"][:top] if top else rec["rows"]
    table = [[dim, *cols]] + [[_cell(r[dim]), *(_cell(r[c]) for c in cols)] for r in rows]
    widths = [max(len(row[j]) for row in table) for j in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in table]
    more = len(rec["rows"]) - len(rows)
    if more > 0:
        lines.append(f"... {more} more (--top to show more)")
    return "\n".join(lines)
