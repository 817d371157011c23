"""Brute force over the full joint, and small networks built from arrays.

Nothing here calls cruxnet's engines: a network is written as BIF text (which cruxnet reads
like any file) and the oracle multiplies its CPTs into the full joint with numpy.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence

import numpy as np

from cruxnet.io.bif import parse_bif
from cruxnet.model.network import BayesNet


def bif_text(names: Sequence[str], cards: Sequence[int], parents: Sequence[Sequence[int]],
             cpts: Sequence[np.ndarray]) -> str:
    """BIF of a network: node ``i`` has states ``s0..s{k-1}``, parents by index, and CPT
    ``cpts[i]`` of shape ``(*parent cards, card)`` (written with full float precision)."""
    lines = ["network random {", "}"]
    for n, k in zip(names, cards, strict=True):
        states = ", ".join(f"s{i}" for i in range(k))
        lines.append(f"variable {n} {{\n  type discrete [ {k} ] {{ {states} }};\n}}")
    for i, n in enumerate(names):
        ps = parents[i]
        if not ps:
            vals = ", ".join(repr(float(x)) for x in cpts[i])
            lines.append(f"probability ( {n} ) {{\n  table {vals};\n}}")
            continue
        head = f"probability ( {n} | {', '.join(names[p] for p in ps)} ) {{"
        body = []
        for idx in np.ndindex(*cpts[i].shape[:-1]):
            cond = ", ".join(f"s{j}" for j in idx)
            body.append(f"  ({cond}) {', '.join(repr(float(x)) for x in cpts[i][idx])};")
        lines.append("\n".join([head, *body, "}"]))
    return "\n".join(lines) + "\n"


def awkward_cpts(rng: np.random.Generator, cards: Sequence[int],
                 parents: Sequence[Sequence[int]]) -> list[np.ndarray]:
    """Random CPTs (Dirichlet 0.7 rows) where a quarter of the rows get one tiny entry
    (1e-3 .. 1e-9) and a sixth a structural zero (the row keeps another state possible):
    where iterative fitting crawls and closed forms meet impossible evidence."""
    cpts = []
    for i, card in enumerate(cards):
        c = rng.dirichlet(np.full(card, 0.7), size=tuple(cards[p] for p in parents[i]))
        flat = c.reshape(-1, card)
        for r in range(flat.shape[0]):
            roll = rng.random()
            if roll < 0.25:  # a tiny entry
                flat[r, rng.integers(card)] = 10.0 ** -rng.integers(3, 10)
            elif roll < 0.4:  # a structural zero
                flat[r, rng.integers(card)] = 0.0
            flat[r] /= flat[r].sum()
        cpts.append(flat.reshape(c.shape))
    return cpts


class SmallNet:
    """A network given by arrays, readable by cruxnet and by brute force."""

    def __init__(self, names: Sequence[str], cards: Sequence[int],
                 parents: Sequence[Sequence[int]], cpts: Sequence[np.ndarray]):
        self.names, self.cards = list(names), list(cards)
        self.parents = [list(p) for p in parents]
        self.cpts = [np.asarray(c, dtype=float) for c in cpts]

    def bif(self) -> str:
        return bif_text(self.names, self.cards, self.parents, self.cpts)

    def net(self) -> BayesNet:
        return parse_bif(self.bif(), file="small.bif")

    def joint(self) -> np.ndarray:
        """P(all nodes), axes in node order."""
        letters = string.ascii_letters
        terms = ["".join(letters[j] for j in [*self.parents[i], i])
                 for i in range(len(self.cpts))]
        eq = ",".join(terms) + "->" + letters[:len(self.names)]
        return np.einsum(eq, *self.cpts)

    def index(self, name: str) -> int:
        return self.names.index(name)


def condition(joint: np.ndarray, names: Sequence[str], hard: Mapping[str, int] | None = None,
              likelihood: Mapping[str, Sequence[float]] | None = None) -> np.ndarray:
    """The joint times hard indicators and likelihood vectors (unnormalised)."""
    out = joint.copy()
    for node, s in (hard or {}).items():
        i = names.index(node)
        mask = np.zeros(joint.shape[i])
        mask[s] = 1.0
        out = out * mask.reshape([-1 if j == i else 1 for j in range(joint.ndim)])
    for node, vec in (likelihood or {}).items():
        i = names.index(node)
        out = out * np.asarray(vec, dtype=float).reshape(
            [-1 if j == i else 1 for j in range(joint.ndim)])
    return out


def marginal(joint: np.ndarray, names: Sequence[str], keep: Sequence[str]) -> np.ndarray:
    """Sum out every axis but ``keep`` (in that order)."""
    axes = [names.index(k) for k in keep]
    other = tuple(j for j in range(joint.ndim) if j not in axes)
    out = joint.sum(axis=other)
    order = np.argsort(np.argsort(axes))
    return np.transpose(out, order) if len(axes) > 1 else out


def ipfp(table: np.ndarray, targets: Sequence[np.ndarray], *, tol: float = 1e-14,
         max_sweeps: int = 2_000_000) -> tuple[np.ndarray, bool]:
    """Iterative proportional fitting of a small table (one axis per fixed node) to the target
    marginals: the definition of Jeffrey's rule with several fixed marginals. Returns the
    fitted table (sums to 1) and whether it converged."""
    p = table / table.sum()
    for _ in range(max_sweeps):
        worst = 0.0
        for i, q in enumerate(targets):
            other = tuple(j for j in range(p.ndim) if j != i)
            m = p.sum(axis=other)
            worst = max(worst, float(np.abs(m - q).max()))
            ratio = np.divide(q, m, out=np.zeros_like(q), where=m > 0)
            p = p * ratio.reshape([-1 if j == i else 1 for j in range(p.ndim)])
        if worst < tol:
            return p, True
    return p, False


def two_by_two_projection(table: np.ndarray, a0: float, b0: float) -> np.ndarray:
    """The I-projection of a positive 2x2 table onto row marginal (a0, 1 - a0) and column
    marginal (b0, 1 - b0), in closed form: the projection keeps the table's cross-product
    ratio r, so t = p00 solves t (1 - a0 - b0 + t) = r (a0 - t)(b0 - t), a quadratic
    (1 - r) t^2 + (1 - a0 - b0 + r (a0 + b0)) t - r a0 b0 = 0 with one root in the feasible
    range [max(0, a0 + b0 - 1), min(a0, b0)] (solved without cancellation)."""
    r = table[0, 0] * table[1, 1] / (table[0, 1] * table[1, 0])
    lo, hi = max(0.0, a0 + b0 - 1), min(a0, b0)
    qa, qb, qc = 1 - r, 1 - a0 - b0 + r * (a0 + b0), -r * a0 * b0
    if abs(qa) < 1e-300:
        roots = [-qc / qb]
    else:
        q = -0.5 * (qb + np.copysign(np.sqrt(qb * qb - 4 * qa * qc), qb))
        roots = [q / qa, qc / q]
    t = next(x for x in roots if lo - 1e-15 <= x <= hi + 1e-15)
    return np.array([[t, a0 - t], [b0 - t, 1 - a0 - b0 + t]])
