"""Levers: what doing each lever would change, beside what observing it would tell us.

For every lever node L (role ``lever`` in the model) and each of its states l: P(target | e,
do(L = l)) and P(target | e, L = l), at the point CPTs and per parameter draw. The causal effect
is do(top state) minus do(bottom state) (states are listed from low to high; a lever whose best
state lies in the middle names the two it compares, ``lever_states`` in the model). Observation and
intervention differ only through back-door paths, i.e. through L's parents; for a root lever
they are equal. Levers are ranked by the size of their causal effect, and the rank's stability
is the share of draws in which a lever keeps its point-value rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.sensitivity.common import (
    Question,
    SensitivityError,
    described_result,
    interval,
    quiet,
    shared_observe_and_do,
)

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["lever_effects"]


def _backdoor(q: Question, lever: str) -> str:
    parents = q.net.spec.node(lever).parents
    if not parents:
        return "none: a root, so observing it equals setting it"
    return f"through its parents {', '.join(parents)} (common causes with the target)"


Values = dict[str, tuple[float, NDArray]]  # "do_low" ... -> (point, per draw)


def _values_by_queries(q: Question, levers: Sequence[str]) -> dict[str, Values]:
    """One query per lever, end state and kind (used with fixed-marginal evidence)."""
    out = {}
    for lever in levers:
        vals = {}
        lo, hi = q.net.spec.node(lever).lever_range
        for kind, make in (("do", q.evidence.intervene), ("observe", q.evidence.observe)):
            for end, s in (("low", lo), ("high", hi)):
                ev = make(**{lever: s})
                vals[f"{kind}_{end}"] = (q.point(ev), q.target_draws(ev) if q.draws
                                         else np.full(0, np.nan))
        out[lever] = vals
    return out


def _values_by_gradients(q: Question, levers: Sequence[str]) -> dict[str, Values]:
    """The same from one contraction and its gradient per batch of draws
    (:func:`~cruxnet.sensitivity.common.observe_and_do_all`)."""
    def normalised(table: NDArray, end: int) -> NDArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            total = table[:, end].sum(axis=0)
            out: NDArray = np.where(total > 0, table[q.state_index, end] / total, np.nan)
        return out

    tables = shared_observe_and_do(q, levers)
    out = {}
    for lever in levers:
        t = tables[lever]
        node = q.net.spec.node(lever)
        ends = [node.state_index(s) for s in node.lever_range]
        vals = {}
        for kind, p_table, d_table in (("do", t.do, t.do_draws),
                                       ("observe", t.observe, t.observe_draws)):
            for end_name, end in zip(("low", "high"), ends, strict=True):
                draws = normalised(d_table, end) if d_table is not None else np.full(0, np.nan)
                vals[f"{kind}_{end_name}"] = (float(normalised(p_table, end)[0]), draws)
        out[lever] = vals
    return out


@described_result
def lever_effects(q: Question, levers: Sequence[str] | None = None) -> xr.Dataset:
    """P(target | do(lever = state)) beside P(target | lever = state) for every lever.

    Parameters
    ----------
    q
        The question; its evidence holds in every query.
    levers
        Lever nodes (default: the model's nodes with role ``lever``).

    Returns
    -------
    xarray.Dataset
        Dim ``lever``, ranked by ``abs(effect)``. ``low_state``/``high_state`` (first and last
        state); ``do_low``/``do_high`` and ``observe_low``/``observe_high`` at the point CPTs,
        each with a ``_ci`` interval over draws; ``effect = do_high - do_low`` (the causal
        effect of moving the lever from bottom to top) and ``effect_ci``; ``observed_effect``
        the same for observation; ``rank`` (1 = largest effect), ``rank_stability`` (share of
        draws with the same rank) and ``p_top`` (share of draws where it ranks first);
        ``backdoor`` says why observing and doing can differ.

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> net = load_network("crux_network", "karnofsky_playbook")
    >>> ds = lever_effects(Question(net, "catastrophe", draws=0))
    >>> str(ds.lever[0].values), bool(ds.effect[0] < 0)
    ('capability_restraint', True)
    """
    import xarray as xr

    spec = q.net.spec
    chosen = list(levers) if levers is not None else [n.id for n in spec.nodes
                                                      if n.role == "lever"]
    if not chosen:
        raise SensitivityError(f"model {spec.name} has no lever nodes (role: lever); "
                               "name the nodes to treat as levers")
    for lever in chosen:
        q.check_node(lever, "lever")
        if lever == q.target or lever in q.evidence.nodes():
            raise SensitivityError(f"lever {lever} is the target or already in the evidence")
    cols: dict[str, list[object]] = {k: [] for k in (
        "low_state", "high_state", "do_low", "do_high", "observe_low", "observe_high",
        "backdoor")}
    cis: dict[str, list[NDArray]] = {k: [] for k in ("do_low", "do_high", "observe_low",
                                                     "observe_high", "effect",
                                                     "observed_effect")}
    effect_draws = []
    by_lever = (_values_by_queries(q, chosen) if q.evidence.fixed
                else _values_by_gradients(q, chosen))
    for lever in chosen:
        lo, hi = spec.node(lever).lever_range
        vals = by_lever[lever]
        cols["low_state"].append(lo)
        cols["high_state"].append(hi)
        cols["backdoor"].append(_backdoor(q, lever))
        for key, (point, draws) in vals.items():
            cols[key].append(point)
            cis[key].append(interval(draws, q.ci_prob) if q.draws else np.full(2, np.nan))
        eff = vals["do_high"][1] - vals["do_low"][1]
        obs = vals["observe_high"][1] - vals["observe_low"][1]
        effect_draws.append(eff)
        cis["effect"].append(interval(eff, q.ci_prob) if q.draws else np.full(2, np.nan))
        cis["observed_effect"].append(interval(obs, q.ci_prob) if q.draws
                                      else np.full(2, np.nan))
    effect = np.array(cols["do_high"], dtype=float) - np.array(cols["do_low"], dtype=float)
    observed = (np.array(cols["observe_high"], dtype=float)
                - np.array(cols["observe_low"], dtype=float))
    order = np.argsort(-np.abs(effect), kind="stable")
    rank = np.empty(len(chosen), dtype=int)
    rank[order] = np.arange(1, len(chosen) + 1)
    if q.draws:
        with quiet():
            mags = np.abs(np.array(effect_draws))  # (levers, draws)
            draw_rank = (-np.nan_to_num(mags, nan=-1.0)).argsort(axis=0, kind="stable") \
                .argsort(axis=0, kind="stable") + 1
            stability = (draw_rank == rank[:, None]).mean(axis=1)
            p_top = (draw_rank == 1).mean(axis=1)
    else:
        stability = p_top = np.full(len(chosen), np.nan)
    data: dict[str, tuple[tuple[str, ...], object]] = {
        key: (("lever",), np.asarray(vals_)[order]) for key, vals_ in cols.items()}
    for key, rows in cis.items():
        data[f"{key}_ci"] = (("lever", "ci_bound"), np.array(rows).reshape(-1, 2)[order])
    data.update({"effect": (("lever",), effect[order]),
                 "observed_effect": (("lever",), observed[order]),
                 "rank": (("lever",), rank[order]),
                 "rank_stability": (("lever",), stability[order]),
                 "p_top": (("lever",), p_top[order])})
    return xr.Dataset(data, coords={"lever": np.asarray(chosen)[order],
                                    "ci_bound": ["lower", "upper"]},
                      attrs={**q.provenance("levers: do vs observe"), "baseline": q.point(),
                             "ci_kind": "eti"})
