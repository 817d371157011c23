"""What every sensitivity analysis shares: the question, its parameter draws, conditionals.

A sensitivity question is P(target = state | evidence) on one network. Point answers use the
worldview's point CPTs (the exact engine); intervals use one set of parameter draws, made once
and reused by every query of the analysis, so all its numbers describe the same draws.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from cruxnet.base.errors import (
    EvidenceError,
    ImpossibleEvidenceError,
    SensitivityError,
    did_you_mean,
)
from cruxnet.base.types import NDArray
from cruxnet.base.validate import check_ci_prob, check_draws, check_seed
from cruxnet.beliefs import Beliefs
from cruxnet.draws.source import ParameterSource
from cruxnet.inference.batched import posterior_draws
from cruxnet.inference.evidence import Evidence
from cruxnet.inference.exact import posterior
from cruxnet.inference.observe import observe_and_do as engine_observe_and_do
from cruxnet.inference.summary import equal_tailed
from cruxnet.model.network import BayesNet

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["Conditionals", "Question", "SensitivityError", "all_conditionals", "candidate_nodes",
           "conditionals", "do_conditionals", "interval", "observe_and_do", "observe_and_do_all",
           "quiet", "shared_observe_and_do"]


@dataclass(frozen=True)
class Question:
    """P(``target`` = ``state`` | ``evidence``) on ``net``, with ``draws`` parameter draws.

    A question is a person's :class:`~cruxnet.beliefs.Beliefs` (network, evidence, draws) and a
    target: :meth:`Question.of` makes one from them, :attr:`beliefs` gives them back, and every
    analysis gets its parameter draws from there (made once, shared by all its queries).

    Parameters
    ----------
    net
        The network; its worldview's stated uncertainty gives the draws.
    target, state
        The node and the state whose probability is studied (default: the last state, e.g.
        ``yes`` of ``[no, yes]``).
    evidence
        Conditions every query of the analysis shares.
    draws, seed
        Parameter draws for intervals (``0`` for point values only) and their seed.
    ci_prob
        Probability mass of the equal-tailed intervals.
    ess
        Effective sample size for CPT rows that state no uncertainty (BIF networks).
    threads
        Threads that share the draws (default: one per core).
    """

    net: BayesNet
    target: str
    state: str | None = None
    evidence: Evidence = field(default_factory=Evidence)
    draws: int = 2000
    seed: int = 0
    ci_prob: float = 0.9
    ess: float | None = None
    threads: int | None = None
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, beliefs: Beliefs, target: str, state: str | None = None, *,
           ci_prob: float = 0.9) -> Question:
        """The question P(``target`` = ``state`` | the beliefs' evidence) asked of ``beliefs``."""
        q = cls(beliefs.net, target, state, beliefs.evidence, draws=beliefs.draws,
                seed=beliefs.seed, ci_prob=ci_prob, ess=beliefs.ess, threads=beliefs.threads)
        q.__dict__["beliefs"] = beliefs  # the same draws, if already made
        return q

    @cached_property
    def beliefs(self) -> Beliefs:
        """The beliefs this question is asked of."""
        return Beliefs(self.net, self.evidence, draws=self.draws, seed=self.seed, ess=self.ess,
                       threads=self.threads)

    def __post_init__(self) -> None:
        spec = self.net.spec
        if self.target not in spec:
            raise SensitivityError(f"unknown target node {self.target!r} in model {spec.name}"
                                   + did_you_mean(self.target, spec.node_ids))
        states = spec.node(self.target).states
        if self.state is None:
            object.__setattr__(self, "state", spec.node(self.target).state_of_interest)
        elif self.state not in states:
            raise SensitivityError(f"unknown state {self.state!r} of {self.target} "
                                   f"(states: {', '.join(states)})")
        object.__setattr__(self, "evidence", Evidence.of(self.evidence).resolved(spec))
        self.evidence.validate(spec)
        if self.draws != 0:
            check_draws(self.draws)
        check_seed(self.seed)
        check_ci_prob(self.ci_prob)

    @property
    def state_index(self) -> int:
        return self.net.spec.node(self.target).states.index(str(self.state))

    @property
    def label(self) -> str:
        ev = "" if self.evidence.is_empty() else f" | {self.evidence.describe()}"
        return f"P({self.target}={self.state}{ev})"

    def check_node(self, node: str, what: str = "node") -> None:
        spec = self.net.spec
        if node not in spec:
            raise SensitivityError(f"unknown {what} {node!r} in model {spec.name}"
                                   + did_you_mean(node, spec.node_ids))

    def point(self, evidence: Evidence | None = None) -> float:
        """P(target = state | evidence) at the point CPTs (default: the question's evidence).

        NaN if the evidence is impossible; for evidence other than the question's (a node
        observed or set on top of it), also if its fixed marginals cannot hold with it."""
        try:
            return posterior(self.net, self.target, evidence or self.evidence)[str(self.state)]
        except ImpossibleEvidenceError:
            return float("nan")
        except EvidenceError:
            if evidence is None:
                raise
            return float("nan")

    @property
    def parameters(self) -> ParameterSource | None:
        """The analysis' parameter draws (one set for all its queries, kept by
        :attr:`beliefs`), or None if draws=0."""
        return self.beliefs.parameters if self.draws else None

    def draws_of(self, node: str, evidence: Evidence) -> NDArray:
        """P(node | evidence) in every draw, shape ``(draws, card)``; NaN rows where the
        evidence is impossible in that draw."""
        card = self.net.spec.node(node).card
        out = np.full((self.draws, card), np.nan)
        if self.parameters is None:
            return out
        try:
            post = posterior_draws(self.net, node, evidence, parameters=self.parameters,
                                   threads=self.threads)
        except (ImpossibleEvidenceError, EvidenceError):
            # Impossible in every draw, or fixed marginals that cannot hold with the extra
            # observation: no posterior in any draw.
            return out
        out[post.draw] = post.probs
        return out

    def target_draws(self, evidence: Evidence | None = None) -> NDArray:
        """P(target = state | evidence) in every draw, shape ``(draws,)`` (NaN: impossible)."""
        return self.draws_of(self.target, evidence or self.evidence)[:, self.state_index]

    def provenance(self, method: str) -> dict[str, Any]:
        attrs: dict[str, Any] = (self.beliefs.provenance if "beliefs" in self.__dict__ else
                                 {k: v for k, v in self.net.provenance.items()
                                  if isinstance(v, (str, int, float))})
        return {**attrs, "target": self.target, "state": str(self.state),
                "evidence": self.evidence.describe(), "draws": self.draws, "seed": self.seed,
                "ci_prob": self.ci_prob, "method": method}


def interval(values: NDArray, ci_prob: float, axis: int = 0) -> NDArray:
    """Equal-tailed interval over ``axis`` ignoring NaN: shape ``(..., 2)``; NaN if none
    (:func:`cruxnet.inference.summary.equal_tailed`)."""
    return equal_tailed(values, ci_prob, axis)


@contextmanager
def quiet() -> Iterator[None]:
    """Silence numpy's all-NaN-slice warnings (an all-impossible column is reported as NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


@dataclass(frozen=True)
class Conditionals:
    """How one node bears on the question: its distribution given the evidence and the
    target's distribution given each of its states, at the point CPTs and in every draw.

    Attributes
    ----------
    node, states
        The node and its states (``k`` of them).
    p_node, p_node_draws
        P(node = x | e): ``(k,)`` at the point CPTs, ``(draws, k)`` per draw.
    target_given, target_given_draws
        P(target | e, node = x): ``(k, m)`` and ``(draws, k, m)``; NaN where node = x is
        impossible given e.
    state
        Index of the question's target state.
    """

    node: str
    states: tuple[str, ...]
    p_node: NDArray
    p_node_draws: NDArray
    target_given: NDArray
    target_given_draws: NDArray
    state: int

    @property
    def p_target(self) -> NDArray:
        """P(target = state | e, node = x), ``(k,)``."""
        return self.target_given[:, self.state]

    @property
    def p_target_draws(self) -> NDArray:
        """P(target = state | e, node = x) per draw, ``(draws, k)``."""
        return self.target_given_draws[..., self.state]


def _check_conditional_node(q: Question, node: str) -> None:
    q.check_node(node)
    if node == q.target:
        raise SensitivityError(f"{node} is the target itself")
    if node in q.evidence.nodes():
        raise SensitivityError(f"{node} is already in the evidence ({q.evidence.describe()})")


def conditionals(q: Question, node: str) -> Conditionals:
    """P(node | e) and P(target | e, node = x) for each state x, point and per draw."""
    return all_conditionals(q, [node])[node]


def all_conditionals(q: Question, nodes: Sequence[str]) -> dict[str, Conditionals]:
    """:class:`Conditionals` of several nodes at once.

    Without fixed-marginal evidence this is one contraction and its gradient per batch of
    draws (:mod:`cruxnet.inference.gradients`): the joint P(X = x, target, e) of every node X
    is its CPT times the gradient by that CPT, summed down to X. With fixed marginals (Jeffrey's
    rule is not multilinear in the CPTs) each state of each node is its own query.
    """
    for node in nodes:
        _check_conditional_node(q, node)
    if q.evidence.fixed:
        return {node: _conditionals_by_queries(q, node) for node in nodes}
    spec = q.net.spec
    tables = shared_observe_and_do(q, nodes)
    if not all(np.nansum(t.observe) > 0 for t in tables.values()):
        raise ImpossibleEvidenceError(f"the evidence has probability 0 in model {spec.name}: "
                                      f"{q.evidence.describe()}")
    out = {}
    for node in nodes:
        p_node, given = _split(tables[node].observe)
        per_draw = tables[node].observe_draws
        if per_draw is not None:
            p_node_d, given_d = _split(per_draw)
        else:
            p_node_d = np.empty((0, p_node.shape[1]))
            given_d = np.empty((0, *given.shape[1:]))
        out[node] = Conditionals(node, spec.node(node).states, p_node[0], p_node_d, given[0],
                                 given_d, q.state_index)
    return out


@dataclass(frozen=True)
class ObserveDo:
    """P(T = t, X = x, e) (``observe``) and the unnormalised P(T = t, e; do(X = x)) (``do``) of
    one node X, ``(t, x, 1)`` at the point CPTs and ``(t, x, draws)`` per draw (None without
    draws)."""

    observe: NDArray
    do: NDArray
    observe_draws: NDArray | None
    do_draws: NDArray | None


def shared_observe_and_do(q: Question, nodes: Sequence[str]) -> dict[str, ObserveDo]:
    """:func:`observe_and_do_all`, remembered on the question: the tornado, VOI, levers and
    crux finder of one question share one pass (an earlier pass over more nodes serves)."""
    memo: dict[str, ObserveDo] = q._memo.setdefault("observe_and_do", {})
    missing = [n for n in nodes if n not in memo]
    if missing:
        memo.update(observe_and_do_all(q, missing))
    return {n: memo[n] for n in nodes}


def observe_and_do_all(q: Question, nodes: Sequence[str]) -> dict[str, ObserveDo]:
    """:func:`observe_and_do` at the point CPTs and over all the question's draws (in batches
    of :data:`JOINT_CHUNK`)."""
    point = observe_and_do(q, nodes, None, 0, 1)
    chunks: dict[str, list[tuple[NDArray, NDArray]]] = {node: [] for node in nodes}
    source = q.parameters
    if source is not None:
        for start in range(0, q.draws, JOINT_CHUNK):
            stop = min(start + JOINT_CHUNK, q.draws)
            for node, pair in observe_and_do(q, nodes, source, start, stop).items():
                chunks[node].append(pair)
    return {node: ObserveDo(
        *point[node],
        np.concatenate([c[0] for c in chunks[node]], axis=-1) if chunks[node] else None,
        np.concatenate([c[1] for c in chunks[node]], axis=-1) if chunks[node] else None)
        for node in nodes}


#: Draws per gradient contraction (bounds the gradients' memory).
JOINT_CHUNK = 2048


def _split(joint: NDArray) -> tuple[NDArray, NDArray]:
    """From P(T = t, X = x, e) ``(t, x, draws)``: P(X = x | e) ``(draws, x)`` and
    P(T | e, X = x) ``(draws, x, t)``. A draw with P(e) = 0 gives NaN, and so does
    P(T | X = x) where P(X = x, e) = 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        px = joint.sum(axis=0)  # (x, d)
        pe = px.sum(axis=0)  # (d,)
        p_node = (px / np.where(pe > 0, pe, np.nan)).T
        given = np.transpose(joint / np.where(px > 0, px, np.nan)[None], (2, 1, 0))
    return p_node, given


def observe_and_do(q: Question, nodes: Sequence[str], source: ParameterSource | None,
                   start: int, stop: int) -> dict[str, tuple[NDArray, NDArray]]:
    """:func:`cruxnet.inference.observe.observe_and_do` for the question's target and evidence:
    per node, P(T = t, X = x, e) and the unnormalised P(T = t, e; do(X = x)), ``(t, x, draws)``,
    in draws ``start:stop`` of ``source`` or at the point CPTs."""
    return engine_observe_and_do(q.net, q.target, q.evidence, nodes, source, start, stop)


def do_conditionals(q: Question, nodes: Sequence[str]) -> dict[str, tuple[NDArray, NDArray]]:
    """Per node X: P(target = state | e; do(X = x)) for each state x, ``(k,)`` at the point
    CPTs and ``(draws, k)`` per draw (NaN where the evidence is impossible under the setting):
    from the shared contraction's gradient, or one query per state under fixed marginals."""
    out = {}
    if q.evidence.fixed:
        for node in nodes:
            states = q.net.spec.node(node).states
            point = np.array([q.point(q.evidence.intervene(**{node: s})) for s in states])
            draws = (np.stack([q.target_draws(q.evidence.intervene(**{node: s}))
                               for s in states], axis=1) if q.draws
                     else np.empty((0, len(states))))
            out[node] = (point, draws)
        return out
    tables = shared_observe_and_do(q, nodes)
    for node in nodes:
        t = tables[node]
        point = _target_given_do(t.do, q.state_index)[0]
        draws = (_target_given_do(t.do_draws, q.state_index) if t.do_draws is not None
                 else np.empty((0, len(point))))
        out[node] = (point, draws)
    return out


def _target_given_do(done: NDArray, state: int) -> NDArray:
    """P(target = state; do(X = x)) ``(draws, x)`` from the unnormalised ``(t, x, draws)``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        tot = done.sum(axis=0)
        out: NDArray = (done[state] / np.where(tot > 0, tot, np.nan)).T
    return out


def _conditionals_by_queries(q: Question, node: str) -> Conditionals:
    """One query per state (used with fixed-marginal evidence)."""
    spec = q.net.spec
    states = spec.node(node).states
    m = spec.node(q.target).card
    p_node = posterior(q.net, node, q.evidence).probs
    given = np.full((len(states), m), np.nan)
    given_draws = np.full((q.draws, len(states), m), np.nan)
    for i, s in enumerate(states):
        ev = q.evidence.observe(**{node: s})
        if p_node[i] > 0:
            try:
                given[i] = posterior(q.net, q.target, ev).probs
            except (ImpossibleEvidenceError, EvidenceError):
                pass  # the fixed marginals cannot hold with node = s: no posterior (NaN)
        if q.draws:
            given_draws[:, i] = q.draws_of(q.target, ev)
    return Conditionals(node, states, p_node, q.draws_of(node, q.evidence), given,
                        given_draws, q.state_index)


def candidate_nodes(q: Question, nodes: Sequence[str] | None,
                    include_outcomes: bool = False) -> list[str]:
    """The nodes to analyse: as given (checked), or every node but the target and the
    evidence's nodes, and, unless ``include_outcomes``, but the model's outcome nodes (role
    ``outcome``: they define the target or come after it, so nobody can learn or set them in
    advance; a ranking led by them says nothing a reader can use)."""
    if nodes is None:
        return [n.id for n in q.net.spec.nodes
                if n.id != q.target and n.id not in q.evidence.nodes()
                and (include_outcomes or n.role != "outcome")]
    for n in nodes:
        q.check_node(n)
    return list(nodes)


#: What each variable of the sensitivity Datasets means (shown in xarray's display as the
#: variable's ``description``). ``_ci`` variables are the interval over parameter draws of the
#: variable they extend.
DESCRIPTIONS = {
    "low": "P(target) with the node observed in the state that gives the lowest value",
    "high": "P(target) with the node observed in the state that gives the highest value",
    "low_state": "the node's state that gives the lowest P(target)",
    "high_state": "the node's state that gives the highest P(target)",
    "swing": "high - low: how far P(target) moves if we learned the node's state",
    "contradicting_states": "states with a chance now whose observation the evidence cannot "
                            "take (a fixed marginal they would break); comma-separated",
    "p_contradiction": "P(the node is observed in a state that contradicts the evidence); the "
                       "measures are over the other states",
    "do_low": "P(target) with the node set by intervention, do(), to its low state",
    "do_high": "P(target) with the node set by intervention, do(), to its high state",
    "do_swing": "do_high - do_low: how far P(target) moves if we set the node",
    "mutual_information": "mutual information of the node with the target (nats)",
    "variance_reduction": "expected reduction of the variance of the target's indicator from "
                          "observing the node",
    "expected_shift": "expected absolute change of P(target) from observing the node",
    "S1": "first-order Sobol index: the share of the variance of P(target) over parameter "
          "draws due to this node's parameters alone",
    "ST": "total Sobol index: the share of the variance of P(target) this node's parameters "
          "are involved in",
    "S1_conf": "bootstrap confidence half-width of S1",
    "ST_conf": "bootstrap confidence half-width of ST",
    "observe_low": "P(target) with the lever observed in its low state",
    "observe_high": "P(target) with the lever observed in its high state",
    "effect": "do(high) - do(low): the lever's causal effect on P(target)",
    "observed_effect": "observe(high) - observe(low): the lever's association with P(target)",
    "backdoor": "why observing and doing differ: the common causes of the lever and target",
    "rank": "the lever's rank by |effect| at the point values",
    "rank_stability": "share of parameter draws in which the lever keeps its rank",
    "p_top": "share of parameter draws in which the lever has the largest |effect|",
    "contribution": "the node's Shapley share of the log-odds difference of P(target) between "
                    "the two worldviews",
    "share": "contribution / total difference",
    "state": "the node's state the crux finder moves belief towards",
    "shift": "the smallest change of P(node = state) that moves P(target) across the threshold",
    "p_node_before": "P(node = state) now",
    "p_node_after": "P(node = state) after the smallest shift",
    "p_target_after": "P(target) after the shift",
    "p_cross": "probability that observing the node moves P(target) across the threshold",
    "crossing_states": "the node's states whose observation moves P(target) across the threshold",
    "value": "the CPT entry's value now",
    "derivative": "dP(target)/d(entry) with proportional co-variation of the row",
    "theta_low": "the low end of the entry's range", "theta_high": "the high end",
    "f_low": "P(target) at theta_low", "f_high": "P(target) at theta_high",
    "a": "P(target) = (a theta + b) / (c theta + d): a", "b": "b", "c": "c", "d": "d",
    "node": "the node the parameter belongs to",
}


def described(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with each known variable's ``description`` attribute set (in place; returned)."""
    for name in ds.data_vars:
        key = str(name)
        base = key[:-3] if key.endswith("_ci") else key
        text = DESCRIPTIONS.get(base)
        if text is None:
            continue
        ds[name].attrs.setdefault("description", text if base == key else
                                  f"interval over parameter draws of {base}: {text}")
    return ds


F = TypeVar("F", bound=Callable[..., Any])


def described_result(fn: F) -> F:
    """Decorate an analysis so the Dataset it returns carries its variables' descriptions."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return described(fn(*args, **kwargs))

    return wrapper  # type: ignore[return-value]
