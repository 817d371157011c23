"""Stated marginals as a person writes them: "I put P(scheming) at 8%, give or take".

A stated marginal is a probability for each state of one node, with the person's uncertainty
about it. :mod:`cruxnet.inference.marginals` gives it its meaning (the node's own table moves by
the smallest change that makes the network imply it); this module only reads and checks what
was written. Accepted, in a worldview file's ``marginals:`` or in Python:

* ``{no: 0.92, yes: 0.08}``: a probability per state. States left out get what is left when
  exactly one is left out (``{yes: 0.08}`` on a two-state node means ``no: 0.92``), else 0 when
  the given ones already sum to 1; anything else is an error.
* a state's value with its own uncertainty: ``{yes: {mean: 0.08, ess: 20}}`` (a Beta with that
  mean and a + b = ess) or ``{yes: {low: 0.05, high: 0.15, prob: 0.9}}`` (the Beta with that
  equal-tailed interval; its mean is the point value);
* ``{p: [0.92, 0.08], ess: 20}`` or ``{p: {yes: 0.08}, ess: 20}``: the whole vector with one
  effective sample size; a plain list; or, for a two-state node, one number (its last state).
* ``{p: {...}, ess: exact}``: no uncertainty at all, the same marginal in every parameter draw
  whatever the file's ``default_ess`` (what the explorer's "my view" writes).

The uncertainty is one Dirichlet over the node's states: ``Dirichlet(ess * p)``, or for one state
given its own Beta(a, b), the Dirichlet whose marginal for that state is that Beta (the other
states share b in the point proportions). With no uncertainty given, the file's
``default_ess`` applies; with none at all drawing says so (as it does for a table row that
states no uncertainty). A drawn marginal that a draw's own table cannot reach (its structural
zeros bound it) is drawn again (:class:`cruxnet.inference.marginals.StatedMarginalDraws`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cruxnet.errors import SpecError
from cruxnet.models.spec import ModelSpec, state_name
from cruxnet.priors.elicit import ElicitationError, beta_from_interval
from cruxnet.priors.params import SUM_TOL, in_unit_interval, normalized_probabilities

__all__ = ["StatedMarginal", "parse_stated_marginal", "parse_stated_marginals"]


@dataclass(frozen=True)
class StatedMarginal:
    """One node's stated marginal.

    Attributes
    ----------
    node
        The node.
    probs
        The point marginal, in the node's state order (sums to 1).
    alpha
        The Dirichlet weights its draws come from (mean ``probs``), or None when no
        uncertainty was stated (the file's ``default_ess`` then applies when drawing).
    said
        What was written, for reports (e.g. ``"yes: 8% (ess 20)"``).
    """

    node: str
    probs: tuple[float, ...]
    alpha: tuple[float, ...] | None = None
    said: str = ""
    #: ``ess: exact``: no uncertainty at all; every parameter draw meets ``probs`` itself.
    exact: bool = False

    @property
    def ess(self) -> float | None:
        """The Dirichlet's total weight (None: no uncertainty)."""
        return None if self.alpha is None else math.fsum(self.alpha)

    def describe(self, states: Sequence[str]) -> str:
        """``"no 92%, yes 8% (ess 20)"``."""
        text = ", ".join(f"{s} {_pct(p)}" for s, p in zip(states, self.probs, strict=True))
        return text + (f" (ess {self.ess:.3g})" if self.alpha is not None else
                       " (no uncertainty)")


def _pct(p: float) -> str:
    return f"{100 * p:.3g}%"


def _number(raw: object, what: str, where: dict[str, Any]) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise SpecError(f"{what} must be a finite number, got {raw!r}", **where)
    return float(raw)


def _prob(raw: object, what: str, where: dict[str, Any]) -> float:
    x = _number(raw, what, where)
    if not in_unit_interval(x):
        raise SpecError(f"{what}: probability {x:g} is outside [0, 1]", **where)
    return min(max(x, 0.0), 1.0)


def _ess(raw: object, what: str, where: dict[str, Any]) -> float:
    x = _number(raw, what, where)
    if not x > 0:
        raise SpecError(f"{what} must be > 0, got {x:g}", **where)
    return x


def _state_value(raw: object, what: str, where: dict[str, Any]
                 ) -> tuple[float, tuple[float, float] | None, str]:
    """A state's value: (point, its Beta (a, b) or None, what was said)."""
    if not isinstance(raw, Mapping):
        p = _prob(raw, what, where)
        return p, None, _pct(p)
    keys = set(map(str, raw))
    vals = {str(k): v for k, v in raw.items()}
    if keys == {"mean", "ess"}:
        m = _prob(vals["mean"], f"{what} mean", where)
        e = _ess(vals["ess"], f"{what} ess", where)
        if not 0 < m < 1:
            raise SpecError(f"{what}: a mean of {m:g} leaves no room for uncertainty; give a "
                            "plain number", **where)
        return m, (m * e, (1 - m) * e), f"{_pct(m)} (ess {e:g})"
    if keys == {"low", "high", "prob"}:
        lo = _prob(vals["low"], f"{what} low", where)
        hi = _prob(vals["high"], f"{what} high", where)
        mass = _number(vals["prob"], f"{what} prob", where)
        if not 0 < mass < 1:
            raise SpecError(f"{what}: the interval's prob must be in (0, 1), got {mass:g}",
                            **where)
        if not 0 < lo < hi < 1:
            raise SpecError(f"{what}: the interval needs 0 < low < high < 1, got low {lo:g}, "
                            f"high {hi:g}", **where)
        try:
            fit = beta_from_interval(lo, hi, mass)
        except ElicitationError as exc:
            raise SpecError(f"{what}: {exc}", **where) from None
        return fit.mean, (fit.a, fit.b), f"{_pct(lo)}-{_pct(hi)}, {_pct(mass)} sure"
    raise SpecError(f"{what}: expected a probability, {{mean, ess}} or {{low, high, prob}}, "
                    f"got {dict(vals)!r}", **where)


def parse_stated_marginal(raw: object, model: ModelSpec, node: str, *, file: str | None = None,
                          default_ess: float | None = None) -> StatedMarginal:
    """Read one stated marginal (see the module docstring for what it may be).

    Examples
    --------
    >>> from cruxnet.catalog import load_model
    >>> spec = load_model("crux_network").spec
    >>> parse_stated_marginal({"yes": 0.08}, spec, "scheming").probs
    (0.92, 0.08)
    >>> m = parse_stated_marginal({"yes": {"mean": 0.08, "ess": 20}}, spec, "scheming")
    >>> [round(a, 12) for a in m.alpha], round(m.ess, 12)
    ([18.4, 1.6], 20.0)
    >>> [round(a, 12) for a in parse_stated_marginal({"yes": 0.08}, spec, "scheming",
    ...                                              default_ess=5).alpha]
    [4.6, 0.4]
    >>> parse_stated_marginal({"p": {"yes": 0.08}, "ess": "exact"}, spec, "scheming",
    ...                       default_ess=5).alpha is None
    True
    """
    where: dict[str, Any] = {"file": file, "node": node}
    if node not in model:
        raise SpecError(f"marginals: {node!r} is not a node of model {model.name}", file=file)
    states = model.node(node).states
    k = len(states)
    ess: float | None = None
    exact = False
    if isinstance(raw, Mapping) and "p" in set(map(str, raw)) and "p" not in states:
        vals = {str(kk): v for kk, v in raw.items()}
        extra = sorted(set(vals) - {"p", "ess"})
        if extra:
            raise SpecError(f"marginal: unknown key {extra[0]!r} beside 'p' (allowed: p, ess)",
                            **where)
        if vals.get("ess") == "exact":
            exact = True
        elif "ess" in vals:
            ess = _ess(vals["ess"], "marginal ess", where)
        raw = vals["p"]
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if k != 2:
            raise SpecError(f"marginal: a single number is only for a two-state node; give "
                            f"{{state: probability}} over {', '.join(states)}", **where)
        raw = {states[1]: raw}
    if isinstance(raw, list):
        if len(raw) != k:
            raise SpecError(f"marginal: expected {k} probabilities ({', '.join(states)}), got "
                            f"{len(raw)}", **where)
        raw = dict(zip(states, raw, strict=True))
    if not isinstance(raw, Mapping) or not raw:
        raise SpecError(f"marginal: expected {{state: probability}} over {', '.join(states)}, "
                        f"got {raw!r}", **where)
    given: dict[str, tuple[float, tuple[float, float] | None, str]] = {}
    for key, value in raw.items():
        s = state_name(key)
        if s not in states:
            raise SpecError(f"marginal: unknown state {s!r} of {node} (states: "
                            f"{', '.join(states)})", **where)
        given[s] = _state_value(value, f"marginal {node}={s}", where)
    total = math.fsum(v[0] for v in given.values())
    left = [s for s in states if s not in given]
    if total > 1 + SUM_TOL:
        raise SpecError(f"marginal: the probabilities of {node} sum to {total:.6g} > 1", **where)
    if len(left) == 1:
        given[left[0]] = (max(0.0, 1.0 - total), None, "the rest")
    elif left and abs(total - 1) > SUM_TOL:
        raise SpecError(f"marginal: the given states of {node} sum to {total:.6g}; give the "
                        f"others too ({', '.join(left)})", **where)
    elif not left and abs(total - 1) > SUM_TOL:
        raise SpecError(f"marginal: the probabilities of {node} sum to {total:.12g}, not 1",
                        **where)
    probs = normalized_probabilities([given[s][0] if s in given else 0.0 for s in states])
    betas = {s: v[1] for s, v in given.items() if v[1] is not None}
    said = ", ".join(f"{s}: {given[s][2]}" for s in states if s in given and s in map(
        state_name, raw))
    if betas and (ess is not None or exact):
        raise SpecError(f"marginal: {node} gives 'ess' for the whole vector and its own "
                        f"uncertainty for {next(iter(betas))}; give one of them", **where)
    if len(betas) > 1:
        sums = {s: a + b for s, (a, b) in betas.items()}
        if max(sums.values()) - min(sums.values()) > 1e-9 * max(sums.values()):
            raise SpecError(f"marginal: {node} gives its own uncertainty for several states "
                            f"({', '.join(betas)}); a marginal has one: give it for one state, "
                            "or the same ess for each", **where)
        ess = next(iter(sums.values()))
        betas = {}
    alpha: tuple[float, ...] | None
    if betas:
        (s, (a, b)), = betas.items()
        i = states.index(s)
        rest = [p for j, p in enumerate(probs) if j != i]
        rest_total = math.fsum(rest)
        alpha = tuple(a if j == i else (b * p / rest_total if rest_total > 0 else b / (k - 1))
                      for j, p in enumerate(probs))
        probs = normalized_probabilities([x / (a + b) for x in alpha])
    else:
        e = ess if ess is not None else (None if exact else default_ess)
        alpha = None if e is None else tuple(e * p for p in probs)
        if ess is not None:
            said += f" (ess {ess:g})"
        elif exact:
            said += " (exact)"
    return StatedMarginal(node=node, probs=probs, alpha=alpha, said=said, exact=exact)


def parse_stated_marginals(raw: object, model: ModelSpec, *, file: str | None = None,
                           default_ess: float | None = None) -> dict[str, StatedMarginal]:
    """Read ``marginals: {node: marginal, ...}`` (see :func:`parse_stated_marginal`)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise SpecError(f"'marginals' must map nodes to {{state: probability}}, got {raw!r}",
                        file=file)
    out: dict[str, StatedMarginal] = {}
    for node, value in raw.items():
        out[str(node)] = (value if isinstance(value, StatedMarginal) else
                          parse_stated_marginal(value, model, str(node), file=file,
                                                default_ess=default_ess))
    return out
