"""Global (Sobol) sensitivity of P(target) to the worldview's uncertain parameters.

Every uncertain parameter is a deterministic function of independent uniform inputs:

* a Dirichlet row (a table row) or a Beta probability: one Gamma(alpha_i) quantile per positive
  weight, normalised (a Beta is the two-weight case);
* a log-normal ratio or a normal effect: one normal quantile.

SALib's Saltelli/Sobol' sequence samples the inputs, grouped so that each parameter (or each
node, with ``by="node"``) is one factor; the batched engine evaluates P(target = state | e) at
every sample at once (each sample is one "draw"); SALib's estimator gives first-order (S1) and
total (ST) indices with bootstrap confidence intervals. Fixed parameters and deterministic
forms are not factors.

A person's stated marginals are part of the question: a stated node's table is tilted, sample by
sample, to a marginal drawn from the stated uncertainty (its Dirichlet: one more parameter of
that node, ``NODE: stated marginal``), given that sample's parents, as in every other analysis.
The tilt is not multilinear in the other tables, so then every row of the design is evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.draws.coupling import (
    coupled_row,
    coupled_scalar,
    coupling_key,
    ordering_parents,
    row_coupling_key,
)
from cruxnet.draws.marginal import TINY_ALPHA, marginal_alpha, row_alphas, scalar_distribution
from cruxnet.inference.batched import posterior_draws
from cruxnet.inference.factors import prepare_query
from cruxnet.inference.observe import table_swaps
from cruxnet.model.cpt import CPTForm
from cruxnet.model.params import Param
from cruxnet.model.spec import ModelSpec
from cruxnet.model.worldview import Worldview
from cruxnet.sensitivity.common import Question, SensitivityError, described_result

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["column_values", "saltelli_sample", "sobol_indices"]

By = Literal["parameter", "node"]
#: Uniform inputs are kept this far from 0 and 1 (a quantile of exactly 0 or 1 is degenerate).
EDGE = 1e-12


#: A column's quantile function: ``("gamma", alpha)``, ``("tiny", alpha)`` (the small-shape
#: tail, see :func:`column_values`) or ``("normal", 0)``.
Kind = tuple[str, float]


class _VariateValues:
    """Parameter values read column by column from ``v`` (n, columns), in the order the form
    reads its parameters: each Dirichlet row's (or Beta's) normalised weights, and standard
    normals for log-normal and normal parameters (see :func:`column_values`). With ``v=None``
    it only lays out the columns: one factor label and the column kinds per parameter; it
    returns point values (n = 1)."""

    def __init__(self, node: str, v: NDArray | None, ess: float | None,
                 where: tuple[str | None, str], ordered: frozenset[str] = frozenset()):
        self.node, self.v, self.ess, self.where = node, v, ess, where
        self.ordered = ordered
        self.n = 1 if v is None else int(v.shape[0])
        self.col = 0
        self.layout: list[tuple[str, list[Kind]]] = []  # (parameter label, column kinds)
        # Parameters an ordering couples share uniform columns (as the draws share uniforms):
        # one input, one factor, read through the same quantile functions.
        self.groups: dict[str, NDArray | None] = {}

    def _group(self, key: str, k: int) -> NDArray | None:
        """The shared uniform columns of coupling group ``key`` (laid out on first use)."""
        if key not in self.groups:
            if self.v is None:
                self.layout.append((f"{self.node}: {key}", [("uniform", 0.0)] * k))
                self.groups[key] = None
            else:
                self.groups[key] = self._take(k)
        return self.groups[key]

    def _take(self, k: int) -> NDArray:
        assert self.v is not None
        cols = self.v[:, self.col:self.col + k]
        self.col += k
        return cols

    def scalar(self, name: str, param: Param) -> NDArray:
        dist, spread = scalar_distribution(name, param, self.ess, self.where)
        alphas = np.array([1.0 - param.value, param.value]) * spread
        drawn = dist in ("lognormal", "normal") or (dist == "beta" and (alphas > 0).sum() > 1)
        key = coupling_key(name, self.ordered) if drawn else None
        if key is not None:
            cols = self._group(key, 1)
            if cols is None:
                return np.array([param.value])
            return coupled_scalar(dist, param.value, spread, cols[:, 0])
        if self.v is None:
            if drawn:
                kinds = _gamma_kinds(alphas) if dist == "beta" else [("normal", 0.0)]
                self.layout.append((f"{self.node}: {name}", kinds))
            return np.array([param.value])
        if not drawn:
            return np.full(self.n, param.value if dist == "fixed" else float(alphas[1] > 0))
        if dist == "beta":
            return np.ascontiguousarray(self._take(2)[:, 1])
        z = self._take(1)[:, 0]
        out: NDArray = (param.value * np.exp(spread * z) if dist == "lognormal"
                        else param.value + spread * z)
        return out

    def rows(self, name: str, labels: Sequence[str], means: NDArray,
             ess: Sequence[float | None]) -> NDArray:
        alphas = row_alphas(labels, means, ess, self.ess, self.where)
        card = alphas.shape[1]
        keys = [row_coupling_key(name, label, self.ordered) for label in labels]
        if self.v is None:
            for label, row, key in zip(labels, alphas, keys, strict=True):
                if key is not None:
                    self._group(key, max(card - 1, 1))
                elif (row > 0).sum() > 1:
                    self.layout.append((f"{self.node}: {name}[{label}]" if label
                                        else f"{self.node}: {name}", _gamma_kinds(row)))
            return means[None]
        out = np.moveaxis(np.zeros((*alphas.shape, self.n)), -1, 0)  # draw axis innermost
        for r, row in enumerate(alphas):
            pos = np.flatnonzero(row > 0)
            if keys[r] is not None:
                cols = self._group(str(keys[r]), max(card - 1, 1))
                assert cols is not None
                out[:, r] = coupled_row(row, cols)
            elif len(pos) > 1:
                cols = self._take(len(pos))
                for j, c in enumerate(pos):
                    out[:, r, c] = cols[:, j]
            else:
                out[:, r, pos] = 1.0
        return out

    def as_probability(self, p: NDArray) -> NDArray:
        return np.clip(p, 0.0, 1.0)


def _gamma_kinds(alphas: NDArray) -> list[Kind]:
    """Kinds of a Dirichlet row's columns (its positive weights)."""
    tiny = alphas.max() < TINY_ALPHA
    return [("tiny" if tiny else "gamma", float(a)) for a in alphas if a > 0]


def column_values(u: NDArray, layout: Sequence[list[Kind]]) -> NDArray:
    """Uniforms (n, columns) to parameter values, one parameter (a run of columns) at a time:
    a Dirichlet row's (or Beta's) weights are Gamma(alpha) quantiles normalised; a log-normal or
    normal parameter gets a standard normal quantile. A row whose weights are all below
    TINY_ALPHA uses the small-shape tail G ~ (u Gamma(a + 1)) ** (1 / a), exact as u -> 0 and
    where such a row's mass lies, and is normalised in log space, so it never underflows to an
    all-zero row."""
    from scipy.special import gammaincinv, gammaln, ndtri

    u = np.clip(u, EDGE, 1 - EDGE)
    out = np.empty_like(u)
    c = 0
    for kinds in layout:
        k = len(kinds)
        x = u[:, c:c + k]
        a = np.array([alpha for _, alpha in kinds])
        if kinds[0][0] == "uniform":  # a coupled group's own uniforms
            out[:, c:c + k] = x
        elif kinds[0][0] == "normal":
            out[:, c] = ndtri(x[:, 0])
        else:
            if kinds[0][0] == "tiny":
                log_g = (np.log(x) + gammaln(a + 1.0)) / a
            else:
                with np.errstate(divide="ignore"):
                    log_g = np.log(gammaincinv(a, x))
            g = np.exp(log_g - log_g.max(axis=1, keepdims=True))
            out[:, c:c + k] = g / g.sum(axis=1, keepdims=True)
        c += k
    return out


@dataclass(frozen=True)
class _SampleSource:
    """The batched engine's ParameterSource over a Saltelli design: each row is one draw.

    Row ``r`` belongs to base point ``r // (factors + 2)`` and row type ``r % (factors + 2)``
    (A, A with factor k from B, ..., B). A node's parameters in a row come from A or from B
    column by column, and only a few such patterns occur per node (two when factors are
    nodes), so each node's CPT is evaluated once per base point and pattern
    (:meth:`prepare`), and a block gathers its rows from those, already draw-last. The design
    itself is never materialised.
    """

    model: ModelSpec
    worldview: Worldview
    a: NDArray  # (samples, columns): parameter values at the base points A
    b: NDArray  # ... and B
    member: NDArray  # (factors, columns): which columns each factor moves
    columns: dict[str, tuple[int, int]]  # node -> its table's column range
    ess: float | None
    #: node -> the column range of its stated marginal's Dirichlet (and the states it covers)
    marginal_columns: dict[str, tuple[int, int, np.ndarray[Any, Any]]] = field(
        default_factory=dict)
    _cpts: dict[str, tuple[NDArray, np.ndarray[Any, Any]]] = field(default_factory=dict,
                                                              repr=False)

    @property
    def n(self) -> int:
        return int(self.a.shape[0] * self.types)

    @property
    def types(self) -> int:
        return int(self.member.shape[0] + 2)

    def is_fixed(self, node: str) -> bool:
        return node not in self.columns

    def point(self, node: str) -> NDArray:
        return self.worldview.cpts[node].point_cpt(self.model)

    def from_b(self, c0: int, c1: int) -> NDArray:
        """(row types, columns c0:c1): True where a row type takes the column from B."""
        out = np.zeros((self.types, c1 - c0), dtype=bool)
        out[1:-1] = self.member[:, c0:c1]
        out[-1] = True
        return out

    def values(self, start: int, stop: int, c0: int, c1: int) -> NDArray:
        """Design rows ``start:stop``, columns ``c0:c1``."""
        rows = np.arange(start, stop)
        use_b = self.from_b(c0, c1)[rows % self.types]
        base = rows // self.types
        out: NDArray = np.where(use_b, self.b[base, c0:c1], self.a[base, c0:c1])
        return out

    def prepare(self) -> None:
        """Evaluate every drawn node's CPT at each (base point, source pattern)."""
        for node, (c0, c1) in self.columns.items():
            patterns, type_to_pattern = np.unique(self.from_b(c0, c1), axis=0,
                                                  return_inverse=True)
            m = self.a.shape[0]
            vals = np.where(patterns[None], self.b[:, None, c0:c1], self.a[:, None, c0:c1])
            values = _VariateValues(node, vals.reshape(-1, c1 - c0), self.ess,
                                    (self.worldview.file, node),
                                    ordering_parents(self.model, self.worldview, node))
            cpt = self.worldview.cpts[node].cpt(self.model, values)  # (m * P, ..., card)
            cpt = cpt.reshape(m, len(patterns), *cpt.shape[1:])
            self._cpts[node] = (np.ascontiguousarray(np.moveaxis(cpt, (0, 1), (-2, -1))),
                                type_to_pattern.reshape(-1))

    def marginal(self, node: str, start: int, stop: int) -> NDArray:
        """The stated marginal of ``node`` in design rows ``start:stop``, ``(rows, card)``."""
        c0, c1, states = self.marginal_columns[node]
        out = np.zeros((stop - start, self.model.node(node).card))
        out[:, states] = self.values(start, stop, c0, c1)
        return out

    def tables(self, node: str) -> tuple[NDArray, np.ndarray[Any, Any]]:
        """``node``'s CPT at every (base point, pattern), draw-last, and each row type's
        pattern (:meth:`prepare`)."""
        if node not in self._cpts:
            self.prepare()
        return self._cpts[node]

    def block(self, node: str, start: int, stop: int) -> NDArray:
        if node not in self._cpts:
            self.prepare()
        table, type_to_pattern = self._cpts[node]
        rows = np.arange(start, stop)
        drawn = table[..., rows // self.types, type_to_pattern[rows % self.types]]
        return np.moveaxis(drawn, -1, 0)  # (n, ..., card), draw axis innermost in memory

    def check(self, nodes: Sequence[str]) -> None:
        """Nothing to check: the layout drew one of every parameter already."""

    @property
    def provenance(self) -> dict[str, Any]:
        return {}


def _layout(model: ModelSpec, form: CPTForm, node: str, ess: float | None,
            file: str | None, ordered: frozenset[str] = frozenset()
            ) -> list[tuple[str, list[Kind]]]:
    values = _VariateValues(node, None, ess, (file, node), ordered)
    form.cpt(model, values)
    return values.layout


def _membership(groups: Sequence[str]) -> NDArray:
    """(factors, inputs): True where an input belongs to a factor (factors in order of first
    appearance, as SALib orders them)."""
    names = list(dict.fromkeys(groups))
    return np.array([[g == name for g in groups] for name in names])


def _saltelli_rows(a: NDArray, b: NDArray, groups: Sequence[str]) -> NDArray:
    """For each base point: A, then A with each group's columns from B (groups in order of
    first appearance), then B: SALib's layout without second-order rows."""
    d = a.shape[1]
    member = _membership(groups)
    out = np.empty((a.shape[0], member.shape[0] + 2, d))
    out[:, 0] = a
    out[:, 1:-1] = np.where(member[None], b[:, None], a[:, None])
    out[:, -1] = b
    result: NDArray = out.reshape(-1, d)
    return result


def _base_points(d: int, samples: int, seed: int) -> tuple[NDArray, NDArray]:
    """SALib's base design: a scrambled Sobol' sequence in 2d dimensions, split into A and B."""
    from scipy.stats import qmc

    base = qmc.Sobol(d=2 * d, scramble=True, seed=seed).random(samples)
    return base[:, :d], base[:, d:]


def saltelli_sample(groups: Sequence[str], samples: int, seed: int) -> NDArray:
    """SALib's Saltelli design for first-order and total indices, built with array operations.

    Row for row the same matrix as ``SALib.sample.sobol.sample(problem, samples,
    calc_second_order=False, seed=seed)`` with ``problem["groups"] = groups`` and unit bounds
    (tested), whose pure-Python loops take seconds for a few hundred inputs.
    """
    a, b = _base_points(len(groups), samples, seed)
    return _saltelli_rows(a, b, groups)


#: Base points per gradient contraction in :func:`_outputs_by_gradients`.
GRADIENT_CHUNK = 1024


def _outputs_by_gradients(q: Question, source: _SampleSource) -> NDArray:
    """P(target = state | e) at every row of the Saltelli design, from contractions at A and
    B only.

    A row A-with-factor-k-from-B differs from A in one node's CPT, and P(target, e) is linear
    in each CPT: it equals sum(F' * G), F' that node's CPT in the row and G the gradient at A
    (:func:`~cruxnet.inference.gradients.contract_with_gradients`). So each base point costs a
    forward and backward pass at A, a forward pass at B, and one small sum per factor.
    """
    work = prepare_query(q.net, q.target, q.evidence).work
    types = source.types
    owner = []  # per factor (row type 1..G): the node whose CPT it changes
    for k in range(types - 2):
        cols = np.flatnonzero(source.member[k])
        owner.append(next(node for node, (c0, c1) in source.columns.items()
                          if c0 <= cols[0] < c1))
    m = source.a.shape[0]
    y = np.empty((m, types))
    for s0 in range(0, m, GRADIENT_CHUNK):
        s1 = min(s0 + GRADIENT_CHUNK, m)

        def cpt_at(row_type: int, swap: str | None = None, s0: int = s0, s1: int = s1) -> Any:
            """CPTs of row type ``row_type`` (only ``swap``'s, if given; A's otherwise)."""
            def cpt_of(n: str) -> tuple[NDArray, bool]:
                if n not in source.columns or n in q.evidence.do:
                    return np.asarray(work.cpts[n]), False
                table, type_to_pattern = source.tables(n)
                t = row_type if swap is None or n == swap else 0
                return table[..., s0:s1, type_to_pattern[t]], True
            return cpt_of

        out_a, swapped = table_swaps(q.net, q.target, q.evidence, cpt_at(0),
                                     [(node, cpt_at(k + 1, node))
                                      for k, node in enumerate(owner)])
        out_b, _ = table_swaps(q.net, q.target, q.evidence, cpt_at(types - 1), [])
        rows = [out_a, *swapped, out_b]
        stacked = np.stack(rows, axis=-1)  # (target states, n, types)
        with np.errstate(invalid="ignore", divide="ignore"):
            total = stacked.sum(axis=0)
            y[s0:s1] = np.where(total > 0, stacked[q.state_index] / total, np.nan)
    return y.reshape(-1)


@described_result
def sobol_indices(q: Question, *, samples: int = 1024, by: By = "node",
                  num_resamples: int = 100) -> xr.Dataset:
    """First-order and total Sobol indices of P(target = state | e) over the uncertain parameters.

    Parameters
    ----------
    q
        The question (its ``seed`` seeds the scrambled Sobol' sequence and the bootstrap).
    samples
        SALib's base sample size N: a power of 2. The engine evaluates N x (factors + 2)
        parameter sets.
    by
        ``"node"``: one factor per node (all of its parameters together); ``"parameter"``: one
        factor per parameter (a scalar, or a table row).
    num_resamples
        Bootstrap resamples for the confidence intervals.

    Returns
    -------
    xarray.Dataset
        Dim ``factor`` sorted by ``ST``: ``S1``, ``ST`` and their 95% bootstrap half-widths
        ``S1_conf``, ``ST_conf``. Read ``ST`` as "the share of the variance of P(target) that
        this factor's uncertainty is involved in"; ``S1`` its share on its own. Attrs: samples,
        evaluations, mean and variance of P(target) over the samples.

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021", "carlsmith")
    >>> ds = sobol_indices(Question(net, "catastrophe"), samples=256)
    >>> ds.sizes["factor"], bool(abs(float(ds.S1.sum()) - 1) < 0.35)
    (6, True)
    """
    import xarray as xr
    from SALib.analyze import sobol as sobol_analyze

    if by not in ("node", "parameter"):
        raise SensitivityError(f"by must be one of node, parameter; got {by!r}")
    if (isinstance(samples, bool) or not isinstance(samples, int) or samples < 2
            or samples & (samples - 1)):
        raise SensitivityError(f"Sobol samples must be a power of 2 (SALib's Sobol' sequence "
                               f"needs it), e.g. 256, 512, 1024, 2048; got {samples!r}")
    net = q.net
    prior = net.prior
    if prior is None:
        from cruxnet.model.worldview import worldview_from_cpts

        prior = worldview_from_cpts(net.worldview, net.spec, net.cpts, file=net.spec.file)
    pq = prepare_query(net, q.target, q.evidence)
    # A stated node's tilt depends on every table above it in the network as stated (before
    # any do-surgery), so those are factors too.
    stated = [n for n in net.marginals if n in pq.keep]
    above = net.spec.ancestors(set(stated)) if stated else set()
    columns: dict[str, tuple[int, int]] = {}
    marginal_columns: dict[str, tuple[int, int, np.ndarray[Any, Any]]] = {}
    names: list[str] = []
    groups: list[str] = []
    layout_all: list[list[Kind]] = []

    def add(label: str, col_kinds: list[Kind], group: str) -> None:
        layout_all.append(col_kinds)
        for j in range(len(col_kinds)):
            names.append(f"{label}#{j}")
            groups.append(group)

    for node in net.spec.node_ids:
        if node not in above and (node not in pq.keep or node in q.evidence.do):
            continue
        layout = _layout(net.spec, prior.cpts[node], node, q.ess, prior.file,
                         ordering_parents(net.spec, prior, node))
        start = len(names)
        for label, col_kinds in layout:
            add(label, col_kinds, node if by == "node" else label)
        if len(names) > start:
            columns[node] = (start, len(names))
        m = net.marginals.get(node)
        if node in stated and m is not None and not m.exact:
            alpha = marginal_alpha(m, q.ess, prior.file)[0]
            if (alpha > 0).sum() > 1:
                label = f"{node}: stated marginal"
                m0 = len(names)
                add(label, _gamma_kinds(alpha), node if by == "node" else label)
                marginal_columns[node] = (m0, len(names), np.flatnonzero(alpha > 0))
    factors = list(dict.fromkeys(groups))
    if len(factors) < 2:
        raise SensitivityError(f"{q.label} depends on {len(factors)} uncertain factor(s); "
                               "Sobol indices need at least 2")
    problem = {"num_vars": len(names), "names": names, "groups": groups,
               "bounds": [[0.0, 1.0]] * len(names)}
    # A parameter's columns are all in one group, so in every Saltelli row they come all from
    # A or all from B: the quantile transforms (the costly part) run on A and B only, and the
    # design is assembled from the parameter values.
    from concurrent.futures import ThreadPoolExecutor

    base = _base_points(len(names), samples, q.seed)
    with ThreadPoolExecutor(2) as pool:  # scipy's special functions release the GIL
        a, b = pool.map(lambda u: column_values(u, layout_all), base)
    source = _SampleSource(net.spec, prior, a, b, _membership(groups), columns, q.ess,
                           marginal_columns)
    source.prepare()
    if q.evidence.fixed or net.marginals:
        # Jeffrey's rule and the tilts to stated marginals are not multilinear in the tables:
        # evaluate every row.
        from cruxnet.inference.marginals import StatedMarginalDraws

        params: Any = source
        if net.marginals:
            params = StatedMarginalDraws(source, net, seed=q.seed, ess=q.ess,
                                         marginal_draws=source.marginal)
        post = posterior_draws(net, q.target, q.evidence, parameters=params)
        impossible = post.n_impossible
        y = post.probs[:, q.state_index] if not impossible else np.empty(0)
    else:
        y = _outputs_by_gradients(q, source)
        impossible = int(np.sum(~np.isfinite(y)))
    if impossible:
        raise SensitivityError(f"the evidence is impossible in {impossible} of the "
                               f"{source.n} Sobol samples; Sobol indices need every sample")
    if not np.var(y) > 0:
        raise SensitivityError(f"{q.label} does not vary with the parameters; "
                               "there is no variance to apportion")
    # SALib reads seed 0 as "no seed" (its bootstrap then draws from NumPy's global state):
    # hand it a non-zero seed derived from ours.
    boot_seed = int(np.random.SeedSequence([q.seed, 0x5A11B]).generate_state(1)[0]) or 1
    res = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                num_resamples=num_resamples, seed=boot_seed)
    order = np.argsort(-np.asarray(res["ST"]), kind="stable")
    data = {key: ("factor", np.asarray(res[key], dtype=float)[order])
            for key in ("S1", "S1_conf", "ST", "ST_conf")}
    return xr.Dataset(data, coords={"factor": [factors[i] for i in order]},
                      attrs={**q.provenance(f"Sobol indices (SALib, by {by})"),
                             "samples": samples, "evaluations": int(source.n),
                             "factors_by": by, "mean": float(y.mean()),
                             "variance": float(y.var()), "conf_level": 0.95})
