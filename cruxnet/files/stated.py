"""Stated marginals as written (in a worldview's ``marginals:``, on the command line, in the
explorer) read into :class:`~cruxnet.model.stated.StatedMarginal` values."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cruxnet.base.errors import SpecError
from cruxnet.base.validate import SUM_TOL, in_unit_interval, normalized_probabilities
from cruxnet.files.params import MIN_ESS
from cruxnet.model.elicit import ElicitationError, beta_from_interval
from cruxnet.model.spec import ModelSpec, state_name
from cruxnet.model.stated import StatedMarginal, percent

__all__ = ["parse_stated_marginal", "parse_stated_marginals"]


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
    if x < MIN_ESS:
        raise SpecError(f"{what} {x:g} is below {MIN_ESS:g}: so little weight makes the drawn "
                        "probabilities exactly 0 or 1 in many draws", **where)
    return x


def _state_value(raw: object, what: str, where: dict[str, Any]
                 ) -> tuple[float, tuple[float, float] | None, str]:
    """A state's value: (point, its Beta (a, b) or None, what was said)."""
    if not isinstance(raw, Mapping):
        p = _prob(raw, what, where)
        return p, None, percent(p)
    keys = set(map(str, raw))
    vals = {str(k): v for k, v in raw.items()}
    if keys == {"mean", "ess"}:
        m = _prob(vals["mean"], f"{what} mean", where)
        e = _ess(vals["ess"], f"{what} ess", where)
        if not 0 < m < 1:
            raise SpecError(f"{what}: a mean of {m:g} leaves no room for uncertainty; give a "
                            "plain number", **where)
        return m, (m * e, (1 - m) * e), f"{percent(m)} (ess {e:g})"
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
        return fit.mean, (fit.a, fit.b), f"{percent(lo)}-{percent(hi)}, {percent(mass)} sure"
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
