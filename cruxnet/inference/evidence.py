"""Evidence of four named kinds, validated against a model.

* **hard** ``node=state``: the node is observed in that state.
* **likelihood** (Pearl's virtual evidence): a vector of likelihoods P(report | node=s), one per
  state. Only ratios matter; the node's posterior is the prior times the vector, renormalised, so
  it need not equal the vector.
* **fixed** (Jeffrey's rule): the node's posterior is *set* to the given distribution, given the
  hard and likelihood evidence; beliefs about other nodes move by Jeffrey's rule. Several fixed
  marginals are met together by iterative proportional fitting.
* **do** ``node=state``: an intervention by graph surgery; combinable with all of the above.

:class:`Evidence` is immutable: ``observe``, ``likelihood``, ``fix`` and ``intervene`` return new
objects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cruxnet.base.errors import EvidenceError, did_you_mean
from cruxnet.base.validate import SUM_TOL, in_unit_interval, normalized_probabilities
from cruxnet.model.spec import ModelSpec

__all__ = [
    "Evidence",
    "EvidenceLike",
    "check_distribution",
    "leaves_out",
    "parse_assignment",
    "parse_distribution",
    "parse_state_values",
    "state_vector",
]


def _freeze(d: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not d:
        return {}
    return {str(k): (tuple(float(x) for x in v) if isinstance(v, (list, tuple, np.ndarray))
                     else {str(s): w for s, w in v.items()} if isinstance(v, Mapping)
                     else v) for k, v in d.items()}


def state_vector(spec: ModelSpec, node: str, values: Mapping[str, Any], kind: str
                 ) -> tuple[float, ...]:
    """``{state: value}`` as a vector in the node's state order.

    For likelihood evidence every state must be given: a state left out would silently get
    weight 0, which is hard evidence against it, so it is an error naming the missing states.
    A fixed marginal may leave out one state (it gets what is left), or several when the ones
    given already sum to 1 (they get probability 0).

    >>> from cruxnet.catalog import load_network
    >>> spec = load_network("carlsmith_2021").spec
    >>> state_vector(spec, "catastrophe", {"yes": 0.2, "no": 0.8}, "fixed")
    (0.8, 0.2)
    >>> state_vector(spec, "catastrophe", {"yes": 2}, "likelihood")
    Traceback (most recent call last):
    ...
    cruxnet.base.errors.EvidenceError: likelihood for catastrophe leaves out state 'no': give a ...
    """
    _check_node(spec, node, kind)
    states = spec.node(node).states
    vec = [0.0] * len(states)
    for s, w in values.items():
        if s not in states:
            raise EvidenceError(f"{kind}: unknown state {s!r} of {node} "
                                f"(states: {', '.join(states)})" + did_you_mean(s, states))
        if isinstance(w, bool) or not isinstance(w, (int, float)):
            raise EvidenceError(f"{kind}: the value for {node}={s} must be a number, got {w!r}")
        if kind == "fixed" and not in_unit_interval(float(w)):
            raise EvidenceError(f"fixed: the probability of {node}={s} is outside [0, 1]: {w!r}")
        vec[states.index(s)] = float(w)
    missing = [s for s in states if s not in values]
    if missing and kind == "likelihood":
        raise EvidenceError(f"likelihood for {node} {leaves_out(missing)}")
    given = math.fsum(vec)
    if missing and kind == "fixed" and abs(given - 1.0) > SUM_TOL:
        if len(missing) > 1 or not 0.0 <= given <= 1.0 + SUM_TOL:
            raise EvidenceError(
                f"fixed marginal for {node} sums to {given:g}, not 1: give the others too "
                f"({', '.join(missing)}), or leave out one state only (it gets the rest)")
        vec[states.index(missing[0])] = max(0.0, 1.0 - given)
    return tuple(vec)


def leaves_out(missing: Sequence[str]) -> str:
    """The one message for a likelihood that names too few states (CLI, Python, ledger)."""
    return (f"leaves out state{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)}: give a weight for every state (0 only "
            "where that state is ruled out)")


def check_distribution(spec: ModelSpec, node: str, vec: Sequence[float], kind: str) -> None:
    """A marginal over ``node``'s states: one value per state, finite, each in [0, 1] and
    summing to 1 within the one tolerance (fixed marginals, stated marginals)."""
    _check_vector(spec, node, vec, kind)
    if not all(in_unit_interval(v) for v in vec):
        raise EvidenceError(f"{kind} for {node} has an entry outside [0, 1]: {list(vec)}")
    total = math.fsum(vec)
    if abs(total - 1.0) > SUM_TOL:
        raise EvidenceError(f"{kind} for {node} sums to {total:.12g}, not 1: {list(vec)}")


@dataclass(frozen=True)
class Evidence:
    """What is known (hard, likelihood, fixed) and what is done (do).

    Parameters
    ----------
    hard
        Node -> observed state.
    likelihood
        Node -> likelihood vector (one entry per state, >= 0, not all 0).
    fixed
        Node -> target marginal (sums to 1).
    do
        Node -> state it is set to.

    Examples
    --------
    >>> ev = Evidence(hard={"scheming": "yes"})
    >>> ev2 = ev.intervene(capability_restraint="pause")
    >>> dict(ev.do), dict(ev2.do)
    ({}, {'capability_restraint': 'pause'})
    """

    hard: Mapping[str, str] = field(default_factory=dict)
    likelihood: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    fixed: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    do: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("hard", "likelihood", "fixed", "do"):
            object.__setattr__(self, name, _freeze(getattr(self, name)))
        # A fixed marginal that validation accepts (entries in [0, 1] and a sum of 1, each
        # within SUM_TOL) is stored clipped and renormalised, so every engine fits exactly it.
        object.__setattr__(self, "fixed", {k: (normalized_probabilities(v)
                                               if _acceptable_marginal(v) else v)
                                           for k, v in self.fixed.items()})

    def observe(self, **states: str) -> Evidence:
        """Add hard evidence."""
        return Evidence({**self.hard, **states}, self.likelihood, self.fixed, self.do)

    def with_likelihood(self, node: str, weights: Sequence[float]) -> Evidence:
        """Add likelihood (virtual) evidence on ``node``."""
        return Evidence(self.hard, {**self.likelihood, node: tuple(weights)}, self.fixed, self.do)

    def fix(self, node: str, marginal: Sequence[float]) -> Evidence:
        """Add a fixed-marginal (Jeffrey) constraint on ``node``."""
        return Evidence(self.hard, self.likelihood, {**self.fixed, node: tuple(marginal)}, self.do)

    def intervene(self, **states: str) -> Evidence:
        """Add interventions ``do(node=state)``."""
        return Evidence(self.hard, self.likelihood, self.fixed, {**self.do, **states})

    def combined(self, other: Evidence) -> Evidence:
        """This evidence with ``other`` on top: a node ``other`` mentions keeps only what
        ``other`` says of it (of whatever kind), the rest is kept.

        >>> a = Evidence(hard={"scheming": "yes"}, fixed={"lead_time": (0.5, 0.5)})
        >>> b = Evidence(likelihood={"scheming": (1.0, 2.0)})
        >>> c = a.combined(b)
        >>> dict(c.hard), dict(c.likelihood), list(c.fixed)
        ({}, {'scheming': (1.0, 2.0)}, ['lead_time'])
        """
        drop = other.nodes()

        def keep(m: Mapping[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in m.items() if k not in drop}

        return Evidence({**keep(self.hard), **other.hard},
                        {**keep(self.likelihood), **other.likelihood},
                        {**keep(self.fixed), **other.fixed}, {**keep(self.do), **other.do})

    def is_empty(self) -> bool:
        """True if there is no evidence and no intervention."""
        return not (self.hard or self.likelihood or self.fixed or self.do)

    def nodes(self) -> set[str]:
        """Every node the evidence or interventions mention."""
        return set(self.hard) | set(self.likelihood) | set(self.fixed) | set(self.do)

    def describe(self) -> str:
        """Compact text, e.g. ``scheming=yes, do(capability_restraint=pause)``."""
        parts = [f"{k}={v}" for k, v in self.hard.items()]
        def numbers(v: Sequence[float]) -> str:  # no float noise (0.050000000000000044)
            return "[" + ", ".join(f"{x:.6g}" for x in v) + "]"

        parts += [f"likelihood({k}={numbers(v)})" for k, v in self.likelihood.items()]
        parts += [f"fixed({k}={numbers(v)})" for k, v in self.fixed.items()]
        parts += [f"do({k}={v})" for k, v in self.do.items()]
        return ", ".join(parts) or "no evidence"

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Plain data for JSON output."""
        return {"hard": dict(self.hard), "likelihood": {k: list(v) for k, v in
                                                        self.likelihood.items()},
                "fixed": {k: list(v) for k, v in self.fixed.items()}, "do": dict(self.do)}

    @classmethod
    def of(cls, evidence: Evidence | Mapping[str, Any] | None) -> Evidence:
        """Evidence from what pgmpy and PyMC users pass: None (none), an :class:`Evidence`,
        a plain mapping of hard evidence ``{"scheming": "no"}``, or the kinds spelled out
        ``{"hard": {...}, "likelihood": {node: {state: weight}}, "fixed": {...},
        "do": {...}}``.

        >>> dict(Evidence.of({"scheming": "no"}).hard)
        {'scheming': 'no'}
        >>> dict(Evidence.of({"do": {"capability_restraint": "pause"}}).do)
        {'capability_restraint': 'pause'}
        """
        if evidence is None:
            return cls()
        if isinstance(evidence, Evidence):
            return evidence
        if not isinstance(evidence, Mapping):
            raise EvidenceError("evidence must be an Evidence or a mapping of node -> state "
                                f"(hard evidence), got {type(evidence).__name__}")
        kinds = {"hard", "likelihood", "fixed", "do"}
        if evidence and set(map(str, evidence)) <= kinds and all(
                isinstance(v, Mapping) for v in evidence.values()):
            return cls(**{str(k): dict(v) for k, v in evidence.items()})
        for node, state in evidence.items():
            if isinstance(state, Mapping):
                raise EvidenceError(
                    f"evidence: {node}: a {{state: value}} mapping is likelihood or fixed "
                    f"evidence; pass {{'likelihood': {{{node!r}: ...}}}} or "
                    f"{{'fixed': {{{node!r}: ...}}}}, or Evidence(likelihood=...)")
        return cls(hard={str(k): str(v) for k, v in evidence.items()})

    def resolved(self, spec: ModelSpec) -> Evidence:
        """The same evidence with every ``{state: value}`` mapping turned into a vector in
        ``spec``'s state order (errors name unknown or, for likelihoods, missing states)."""
        def vectors(items: Mapping[str, Any], kind: str) -> dict[str, Any]:
            return {n: state_vector(spec, n, v, kind) if isinstance(v, Mapping) else v
                    for n, v in items.items()}

        if not any(isinstance(v, Mapping) for v in (*self.likelihood.values(),
                                                     *self.fixed.values())):
            return self
        return Evidence(self.hard, vectors(self.likelihood, "likelihood"),
                        vectors(self.fixed, "fixed"), self.do)

    def validate(self, spec: ModelSpec) -> None:
        """Check every node, state and vector against ``spec``; raise :class:`EvidenceError`.

        Examples
        --------
        >>> from cruxnet.catalog import load_network
        >>> spec = load_network("carlsmith_2021").spec
        >>> Evidence(hard={"catastrophe": "maybe"}).validate(spec)
        Traceback (most recent call last):
        ...
        cruxnet.base.errors.EvidenceError: evidence: unknown state 'maybe' of catastrophe ...
        """
        if any(isinstance(v, Mapping) for v in (*self.likelihood.values(),
                                                 *self.fixed.values())):
            self.resolved(spec).validate(spec)
            return
        for kind, items in (("evidence", self.hard), ("do", self.do)):
            for node, state in items.items():
                _check_node(spec, node, kind)
                if state not in spec.node(node).states:
                    raise EvidenceError(f"{kind}: unknown state {state!r} of {node} "
                                        f"(states: {', '.join(spec.node(node).states)})"
                                        + did_you_mean(state, spec.node(node).states))
        for node, vec in self.likelihood.items():
            _check_node(spec, node, "likelihood")
            _check_vector(spec, node, vec, "likelihood")
            if any(v < 0 for v in vec):
                raise EvidenceError(f"likelihood for {node} has a negative entry: {list(vec)}")
            if not any(v > 0 for v in vec):
                raise EvidenceError(f"likelihood for {node} is all zeros: {list(vec)}")
        for node, vec in self.fixed.items():
            _check_node(spec, node, "fixed")
            check_distribution(spec, node, vec, "fixed marginal")
        both = sorted(set(self.hard) & set(self.fixed))
        if both:
            raise EvidenceError(f"{both[0]} has both hard evidence and a fixed marginal; "
                                "give one of them")
        both = sorted(set(self.do) & set(self.fixed))
        if both:
            raise EvidenceError(f"{both[0]} is intervened on (do) and has a fixed marginal; "
                                "give one of them")


def _acceptable_marginal(vec: Any) -> bool:
    return (isinstance(vec, tuple) and len(vec) > 0
            and all(math.isfinite(v) and in_unit_interval(v) for v in vec)
            and abs(math.fsum(vec) - 1.0) <= SUM_TOL)


def _check_node(spec: ModelSpec, node: str, kind: str) -> None:
    if node not in spec:
        raise EvidenceError(f"{kind}: unknown node {node!r} in model {spec.name}"
                            + did_you_mean(node, spec.node_ids))


def _check_vector(spec: ModelSpec, node: str, vec: Sequence[float], kind: str) -> None:
    states = spec.node(node).states
    if len(vec) != len(states):
        raise EvidenceError(f"{kind} for {node} has {len(vec)} values; {node} has "
                            f"{len(states)} states ({', '.join(states)})")
    if not all(math.isfinite(v) for v in vec):
        raise EvidenceError(f"{kind} for {node} has a value that is not finite: {list(vec)}")


def parse_assignment(text: str, kind: str = "evidence") -> tuple[str, str]:
    """Parse ``NODE=STATE``.

    >>> parse_assignment("scheming=yes")
    ('scheming', 'yes')
    """
    node, sep, state = text.partition("=")
    if not sep or not node.strip() or not state.strip():
        raise EvidenceError(f"{kind}: expected NODE=STATE, got {text!r}")
    return node.strip(), state.strip()


def parse_state_values(text: str, spec: ModelSpec, kind: str) -> tuple[str, dict[str, float]]:
    """Parse ``NODE=S1:v1,S2:v2`` into the node and ``{state: value}`` for the states given
    (each a state of the node, given once, with a number).

    >>> from cruxnet.catalog import load_network
    >>> parse_state_values("catastrophe=yes:0.7", load_network("carlsmith_2021").spec, "fixed")
    ('catastrophe', {'yes': 0.7})
    """
    node, state_part = parse_assignment(text, kind)
    _check_node(spec, node, kind)
    states = spec.node(node).states
    values: dict[str, float] = {}
    for item in state_part.split(","):
        s, sep, w = item.partition(":")
        s = s.strip()
        if not sep:
            raise EvidenceError(f"{kind}: expected STATE:VALUE in {text!r}, got {item!r}")
        if s not in states:
            raise EvidenceError(f"{kind}: unknown state {s!r} of {node} "
                                f"(states: {', '.join(states)})")
        if s in values:
            raise EvidenceError(f"{kind}: state {s!r} of {node} given twice in {text!r}")
        try:
            values[s] = float(w)
        except ValueError:
            raise EvidenceError(f"{kind}: {w.strip()!r} is not a number (in {text!r})") from None
    return node, values


def parse_distribution(text: str, spec: ModelSpec, kind: str) -> tuple[str, tuple[float, ...]]:
    """Parse ``NODE=S1:w1,S2:w2`` into a vector over the node's states.

    A fixed marginal may leave out one state (it gets what is left, as a stated marginal's
    does), or several when the ones given already sum to 1 (they get 0); a likelihood must name
    every state (leaving one out would be hard evidence against it, silently).

    >>> from cruxnet.catalog import load_network
    >>> spec = load_network("carlsmith_2021").spec
    >>> parse_distribution("catastrophe=yes:0.7,no:0.3", spec, "fixed")
    ('catastrophe', (0.3, 0.7))
    >>> parse_distribution("catastrophe=yes:0.25", spec, "fixed")
    ('catastrophe', (0.75, 0.25))
    """
    node, values = parse_state_values(text, spec, kind)
    return node, state_vector(spec, node, values, kind)


#: What every query accepts as evidence (see :meth:`Evidence.of`).
EvidenceLike = Evidence | Mapping[str, Any] | None
