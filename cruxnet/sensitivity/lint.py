"""Coherence lint of a worldview: does it respect what the model declares and what it states?

Checks, each a :class:`Finding`:

* ``structural-zero``: a CPT entry the model declares impossible (``expect.impossible``) is
  positive at the point values;
* ``monotonicity``: a node the model says rises (``expect.increases_with``) or falls
  (``expect.decreases_with``) with a parent does not, in some context, at the point values
  (first-order stochastic dominance over the node's ordered states); the share of parameter
  draws that break it is reported too, as a warning when it exceeds ``draw_tolerance``;
* ``overconfident``: a table row or probability with an effective sample size above
  ``max_ess`` (a belief as firm as that many observations, with no data behind it);
* ``stated-marginal``: a marginal the worldview states (``stated:``) differs from the one the
  network implies by more than ``marginal_tolerance`` in probability, or by more than a factor
  ``max_odds_ratio`` in odds (small probabilities: 0.2% against a stated 1% is a real gap).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.inference.exact import posterior
from cruxnet.model.network import BayesNet
from cruxnet.model.worldview import Worldview
from cruxnet.sensitivity.common import SensitivityError

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["Finding", "LintReport", "lint_worldview"]

Severity = Literal["error", "warning"]
#: Slack for comparing probabilities (rounding in forms).
EPS = 1e-9


@dataclass(frozen=True)
class Finding:
    """One problem: its kind, the node, how serious, and what is wrong (one line)."""

    kind: str
    node: str
    severity: Severity
    message: str

    def text(self) -> str:
        return f"{self.severity}: {self.node}: {self.message} [{self.kind}]"


@dataclass(frozen=True)
class LintReport:
    """Everything lint found on one worldview."""

    model: str
    worldview: str
    findings: tuple[Finding, ...]
    checked: dict[str, int]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def text(self) -> str:
        head = (f"{self.worldview} ({self.model}): {len(self.findings)} finding(s), "
                f"{self.errors} error(s); checked "
                + ", ".join(f"{v} {k}" for k, v in self.checked.items()))
        return "\n".join([head, *(f.text() for f in self.findings)])

    def __repr__(self) -> str:
        return (f"LintReport({self.worldview} of {self.model}: {len(self.findings)} "
                f"finding(s), {self.errors} error(s))")

    def _repr_html_(self) -> str:
        from cruxnet.base.display import html_table

        checked = ", ".join(f"{v} {k}" for k, v in self.checked.items())
        rows = [(f.severity, f.node, f.message, f.kind) for f in self.findings]
        return html_table(("severity", "node", "what", "check"), rows,
                          caption=f"lint of {self.worldview} ({self.model}): "
                                  f"{len(self.findings)} finding(s), {self.errors} error(s); "
                                  f"checked {checked}")

    def to_xarray(self) -> xr.Dataset:
        import xarray as xr

        cols = {k: ("finding", [getattr(f, k) for f in self.findings])
                for k in ("kind", "node", "severity", "message")}
        return xr.Dataset(cols, coords={"finding": np.arange(len(self.findings))},
                          attrs={"model": self.model, "worldview": self.worldview,
                                 "method": "coherence lint", "errors": self.errors,
                                 **{f"checked_{k}": v for k, v in self.checked.items()}})


def _dominance_breaks(table: NDArray, rising: bool) -> np.ndarray[Any, Any]:
    """``table`` (..., parent states, node states): True where the node's upper-tail mass
    P(node >= j) falls (rising) or rises (falling) from one parent state to the next."""
    tail = np.cumsum(table[..., ::-1], axis=-1)[..., ::-1][..., 1:]  # P(node >= j), j >= 1
    step = np.diff(tail, axis=-2)
    return (step < -EPS) if rising else (step > EPS)


def lint_worldview(net: BayesNet, *, max_ess: float = 200.0, marginal_tolerance: float = 0.05,
                   max_odds_ratio: float = 2.0, draws: int = 1000, seed: int = 0,
                   draw_tolerance: float = 0.25) -> LintReport:
    """Check a worldview against the model's declarations and its own stated marginals.

    Parameters
    ----------
    net
        The model under the worldview (``load_network(model, worldview)``).
    max_ess
        Effective sample sizes above this are reported as overconfident.
    marginal_tolerance, max_odds_ratio
        Largest allowed absolute gap between a stated and an implied marginal probability, and
        largest allowed ratio of their odds.
    draws, seed
        Parameter draws for the share of draws breaking a declared monotonicity (0: skip).
    draw_tolerance
        Above this share of breaking draws, a warning (the point values may hold while most
        draws do not: the rows are drawn independently).

    Returns
    -------
    LintReport
        ``.findings`` (errors first), ``.text()``, ``.to_xarray()``.

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> rep = lint_worldview(load_network("carlsmith_2021", "superforecasters_2023"), draws=0)
    >>> [f.kind for f in rep.findings]
    ['stated-marginal']
    """
    wv = net.prior
    if wv is None:
        raise SensitivityError(f"{net.name} has no worldview forms to lint (a BIF network)")
    if not max_ess > 0 or not 0 < marginal_tolerance < 1 or not max_odds_ratio > 1:
        raise SensitivityError("max_ess must be > 0, marginal_tolerance in (0, 1) and "
                               "max_odds_ratio > 1")
    findings: list[Finding] = []
    checked = {"structural zeros": 0, "monotonicity declarations": 0, "parameters": 0,
               "stated marginals": 0}
    source = None
    if draws:
        from cruxnet.draws.worldview import WorldviewDraws

        source = WorldviewDraws(net.spec, wv, draws, seed)
    for spec in net.spec.nodes:
        cpt = np.asarray(net.cpts[spec.id])
        for when, state in spec.expect.impossible:
            checked["structural zeros"] += 1
            idx: list[Any] = [slice(None)] * len(spec.parents)
            for parent, pstate in when:
                idx[spec.parents.index(parent)] = net.spec.node(parent).states.index(pstate)
            worst = float(np.max(cpt[(*idx, spec.states.index(state))]))
            if worst > 0:
                cond = ", ".join(f"{p}={s}" for p, s in when)
                findings.append(Finding(
                    "structural-zero", spec.id, "error",
                    f"P({spec.id}={state} | {cond}) must be 0 (the model declares it "
                    f"impossible) but is {worst:.3g}; add require: or a zero to that row"))
        for parent, rising in ([(p, True) for p in spec.expect.increases_with]
                               + [(p, False) for p in spec.expect.decreases_with]):
            checked["monotonicity declarations"] += 1
            findings.extend(_monotonicity(net, spec.id, parent, rising, source, draw_tolerance))
        if not wv.cpts[spec.id].deterministic:
            for name, param in wv.cpts[spec.id].params(net.spec):
                checked["parameters"] += 1
                if param.dist == "beta" and param.spread is not None and param.spread > max_ess:
                    findings.append(Finding(
                        "overconfident", spec.id, "warning",
                        f"{name} has ess {param.spread:g} > {max_ess:g}: as firm as "
                        f"{param.spread:g} observations, with no data behind it"))
    findings.extend(_stated_marginals(net, wv, marginal_tolerance, max_odds_ratio, checked))
    from cruxnet.draws.worldview import unstated_uncertainty

    for exc in unstated_uncertainty(net.spec, wv):
        findings.append(Finding(
            "no-uncertainty", str(getattr(exc, "node", "") or ""), "warning",
            f"{getattr(exc, 'detail', str(exc))}; point queries work, --draws, sensitivity "
            "intervals and report refuse it"))
    findings = _dedupe(findings)
    findings.sort(key=lambda f: (f.severity != "error", f.kind, f.node))
    return LintReport(net.spec.name, wv.name, tuple(findings), checked)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Table rows report one overconfident entry per state; keep one line per row."""
    seen, out = set(), []
    for f in findings:
        key = (f.kind, f.node, f.message.split("[")[0] if f.kind == "overconfident"
               else f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _monotonicity(net: BayesNet, node: str, parent: str, rising: bool, source: Any,
                  draw_tolerance: float) -> list[Finding]:
    spec = net.spec.node(node)
    axis = spec.parents.index(parent)
    cpt = np.moveaxis(np.asarray(net.cpts[node]), axis, -2)  # (..., parent, node)
    breaks = _dominance_breaks(cpt, rising)
    word = "rise" if rising else "fall"
    out = []
    if breaks.any():
        bad = np.argwhere(breaks.any(axis=(-2, -1)) if breaks.ndim > 2 else [breaks.any()])
        first = tuple(int(i) for i in bad[0]) if breaks.ndim > 2 else ()
        others = [p for p in spec.parents if p != parent]
        ctx = ", ".join(f"{p}={net.spec.node(p).states[i]}"
                        for p, i in zip(others, first, strict=True)) or "every context"
        out.append(Finding(
            "monotonicity", node, "error",
            f"should {word} with {parent} (the model declares it) but does not at {ctx} "
            f"({len(bad)} context(s)); P({node}) by {parent}: "
            + "; ".join(np.array2string(r, precision=3) for r in cpt[first])))
    if source is not None and not source.is_fixed(node):
        drawn = np.moveaxis(source.block(node, 0, source.n), 1 + axis, -2)
        tail = np.cumsum(drawn[..., ::-1], axis=-1)[..., ::-1][..., 1:]
        step = np.diff(tail, axis=-2)  # (draws, ..., pairs of parent states, tails)
        crossed = (step < -EPS) if rising else (step > EPS)
        per_pair = crossed.any(axis=-1)
        broken = per_pair.reshape(source.n, -1).any(axis=1).mean()
        if broken > draw_tolerance:
            # The draws couple what an ordering compares, so what breaks is a pair whose
            # stated distributions cross: name the one that crosses most often.
            share = per_pair.mean(axis=0)
            worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(share)), share.shape))
            gaps: Any = np.where(crossed, np.abs(step), 0.0)
            pair_gaps = gaps[(slice(None), *worst)].max(axis=-1)
            size = float(pair_gaps.max())
            typical = float(np.median(pair_gaps[pair_gaps > 0]))
            states = net.spec.node(parent).states
            others = [p for p in spec.parents if p != parent]
            ctx = ", ".join(f"{p}={net.spec.node(p).states[i]}"
                            for p, i in zip(others, worst[:-1], strict=True))
            pair = (f"P({node}) at {parent}={states[worst[-1]]} and at "
                    f"{parent}={states[worst[-1] + 1]}" + (f" ({ctx})" if ctx else ""))
            out.append(Finding(
                "monotonicity", node, "warning",
                f"should {word} with {parent}; holds at the point values but breaks in "
                f"{broken:.0%} of {source.n} parameter draws: {pair} cross in "
                f"{float(share[worst]):.0%} of draws, by {typical:.2g} in a typical one "
                f"(the most {size:.2g}). Their stated distributions overlap, so no coupling "
                "orders them: state them further apart or tighter, or use a form that builds "
                f"the order in (the parameters to edit and their paths: cruxnet describe "
                f"{node})"))
    return out


def _odds_ratio(p: float, q: float) -> float:
    """max(odds(p) / odds(q), its inverse); inf when one is 0 or 1 and the other is not."""
    if p == q:
        return 1.0
    if min(p, q) <= 0 or max(p, q) >= 1:
        return float("inf")
    r = (p / (1 - p)) / (q / (1 - q))
    return max(r, 1 / r)


def _stated_marginals(net: BayesNet, wv: Worldview, tol: float, max_ratio: float,
                      checked: dict[str, int]) -> list[Finding]:
    out = []
    for node, probs in wv.stated.items():
        implied = posterior(net, node)
        for state, p in probs.items():
            checked["stated marginals"] += 1
            gap = implied[state] - p
            ratio = _odds_ratio(implied[state], p)
            if abs(gap) > tol or ratio > max_ratio:
                out.append(Finding(
                    "stated-marginal", node, "warning",
                    f"stated P({node}={state}) = {p:g} but the network implies "
                    f"{implied[state]:.4g} (gap {gap:+.3g}, odds ratio {ratio:.3g}; "
                    f"tolerance {tol:g} or {max_ratio:g}x)"))
    return out
