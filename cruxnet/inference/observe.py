"""Observe or set each of many nodes, from one contraction: the engine's primitive for the
tornado, VOI, levers and the crux finder.

For a question P(target | e) and nodes X_1..X_n, one contraction of the network and its
gradient give, for every X_i and each of its states x at once,

* P(target = t, X_i = x, e): what observing X_i = x would tell (condition on it), and
* P(target = t, e; do(X_i = x)), unnormalised: what setting X_i = x would do.

P(target, e) is linear in each node's table, so observing X = x is the gradient paired with
X's own table restricted to x, and do(X = x) (graph surgery: certainty in x whatever X's
parents) is the gradient paired with a one-hot table. Analyses call this function and never
see the engine's axis names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.draws.source import ParameterSource
from cruxnet.inference.batched import draw_axis_last
from cruxnet.inference.evidence import Evidence
from cruxnet.inference.factors import DRAW, cpt_factor_index, prepare_query, query_factors
from cruxnet.inference.gradients import GRAD_PREFIX, contract_with_gradients, pair_with_gradient
from cruxnet.model.network import BayesNet

__all__ = ["CptOf", "observe_and_do", "table_gradients", "table_swaps"]

#: A node's table for a batch of draws: ``node -> (table, drawn)``, the table's draw axis last
#: when ``drawn``.
CptOf = Callable[[str], tuple[NDArray, bool]]


def observe_and_do(net: BayesNet, target: str, evidence: Evidence, nodes: Sequence[str],
                   source: ParameterSource | None = None, start: int = 0, stop: int = 1
                   ) -> dict[str, tuple[NDArray, NDArray]]:
    """Per node X in ``nodes``: the joint P(target = t, X = x, e) and the unnormalised
    P(target = t, e; do(X = x)), both ``(t, x, draws)``.

    Parameters
    ----------
    net, target, evidence
        The question (evidence resolved and validated).
    nodes
        The nodes to observe and to set, one at a time.
    source, start, stop
        Draws ``start:stop`` of ``source``; without a source, the point CPTs (draws = 1).

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> from cruxnet.inference.exact import posterior
    >>> net = load_network("carlsmith_2021")
    >>> joint, done = observe_and_do(net, "catastrophe", Evidence(), ["incentives"])["incentives"]
    >>> p = joint[:, 1, 0] / joint[:, 1, 0].sum()    # P(catastrophe | incentives = yes)
    >>> bool(np.allclose(p, posterior(net, "catastrophe", {"incentives": "yes"}).probs))
    True
    """
    pq = prepare_query(net, target, evidence)
    spec = pq.work.spec
    keep = spec.ancestors({target, *evidence.nodes(), *nodes})

    def cpt_of(node: str) -> tuple[NDArray, bool]:
        if source is not None and node not in evidence.do and not source.is_fixed(node):
            return draw_axis_last(source.block(node, start, stop)), True
        return np.asarray(pq.work.cpts[node]), False

    factors = query_factors(spec, keep, pq.hard, target, evidence.likelihood, cpt_of)
    drawn = any(DRAW in axes for _, axes in factors)
    output = [target, DRAW] if drawn else [target]
    _, grads = contract_with_gradients(factors, output)
    own = cpt_factor_index(spec, keep)
    draw_axis = (DRAW,) if drawn else ()
    out = {}
    for node in nodes:
        grad, factor = grads[own[node]], factors[own[node]]
        obs = pair_with_gradient(grad, factor, (GRAD_PREFIX + target, node, *draw_axis))
        # One-hot CPTs for every state at once: an identity over (state, node).
        card = spec.node(node).card
        eye = (np.eye(card), ("\0do:" + node, node))
        done = pair_with_gradient(grad, eye, (GRAD_PREFIX + target, "\0do:" + node,
                                              *draw_axis))
        if not drawn:
            obs, done = obs[..., None], done[..., None]
        out[node] = (obs, done)
    return out


def table_swaps(net: BayesNet, target: str, evidence: Evidence, base: CptOf,
                swaps: Sequence[tuple[str, CptOf]]) -> tuple[NDArray, list[NDArray]]:
    """Unnormalised P(target = t, e) ``(t, draws)`` with every table from ``base``, and with
    one node's table from another source at a time (``swaps``: the node and where its table
    comes from), from one contraction and its gradient: P(target, e) is linear in each table,
    so a swapped table costs one small sum (the Sobol design's rows).

    >>> from cruxnet.catalog import load_network
    >>> from cruxnet.inference.exact import posterior
    >>> net = load_network("carlsmith_2021")
    >>> point = lambda n: (np.asarray(net.cpts[n]), False)
    >>> certain = lambda n: ((np.array([[1.0, 0.0], [0.0, 1.0]]), False) if n == "incentives"
    ...                      else point(n))
    >>> _, (swapped,) = table_swaps(net, "catastrophe", Evidence(), point,
    ...                             [("incentives", certain)])
    >>> want = posterior(net.with_cpt("incentives", certain("incentives")[0]), "catastrophe")
    >>> bool(np.allclose(swapped[:, 0] / swapped[:, 0].sum(), want.probs))
    True
    """
    pq = prepare_query(net, target, evidence)
    spec, hard, lik = pq.work.spec, pq.hard, evidence.likelihood
    index = cpt_factor_index(spec, pq.keep)
    factors = query_factors(spec, pq.keep, hard, target, lik, base)
    drawn = any(DRAW in axes for _, axes in factors)
    output = [target, DRAW] if drawn else [target]
    out, grads = contract_with_gradients(factors, output)
    rows = []
    for node, cpt_of in swaps:
        i = index[node]
        swapped = query_factors(spec, pq.keep, hard, target, lik, cpt_of)[i]
        rows.append(pair_with_gradient(grads[i], swapped, (GRAD_PREFIX + target,
                                                           *((DRAW,) if drawn else ()))))
    if not drawn:
        out, rows = out[..., None], [r[..., None] for r in rows]
    return out, rows


def table_gradients(net: BayesNet, target: str, evidence: Evidence, nodes: Sequence[str],
                    state: int) -> dict[str, tuple[NDArray, float, float]]:
    """Per node (of those the question depends on): the gradient of P(target = t, e) by its
    whole table, ``(t, *parents, node)`` (zero where hard evidence slices the table away), with
    P(target = ``state``, e) and P(e), at the point tables: a sensitivity function's
    coefficients in one pass.

    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021")
    >>> grad, p_te, p_e = table_gradients(net, "catastrophe", Evidence(), ["aps_systems"],
    ...                                   1)["aps_systems"]
    >>> grad.shape, round(p_e, 12)     # P(catastrophe = yes) is linear in P(aps_systems)
    ((2, 2), 1.0)
    >>> bool(np.isclose((grad[1] * np.asarray(net.cpts["aps_systems"])).sum(), p_te))
    True
    """
    pq = prepare_query(net, target, evidence)
    spec = pq.work.spec
    factors = query_factors(spec, pq.keep, pq.hard, target, evidence.likelihood,
                            lambda n: (np.asarray(pq.work.cpts[n]), False))
    out, grads = contract_with_gradients(factors, [target])
    index = cpt_factor_index(spec, pq.keep)
    result = {}
    for node in nodes:
        if node not in index:
            continue
        cpt = np.asarray(pq.work.cpts[node])
        full = np.zeros((out.shape[0], *cpt.shape))
        axes = (*spec.node(node).parents, node)
        sliced = tuple(pq.hard[a] if a in pq.hard and a != target else slice(None)
                       for a in axes)
        full[(slice(None), *sliced)] = grads[index[node]][0]
        result[node] = (full, float(out[state]), float(out.sum()))
    return result
