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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cruxnet.inference.batched import posterior_draws
from cruxnet.inference.factors import prepare_query
from cruxnet.models.spec import ModelSpec
from cruxnet.priors.draws import TINY_ALPHA, row_alphas, scalar_distribution
from cruxnet.priors.forms import CPTForm, NDArray
from cruxnet.priors.params import Param
from cruxnet.priors.worldview import Worldview
from cruxnet.sensitivity.common import Question, SensitivityError

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["sobol_indices"]

By = Literal["parameter", "node"]
#: Uniform inputs are kept this far from 0 and 1 (a quantile of exactly 0 or 1 is degenerate).
EDGE = 1e-12


class _QuantileValues:
    """Parameter values from uniform inputs ``u`` (n, columns), read column by column in the
    order the form reads its parameters. With ``u=None`` it only lays out the columns: it
    records one group label per parameter and returns point values (n = 1)."""

    def __init__(self, node: str, u: NDArray | None, ess: float | None,
                 where: tuple[str | None, str]):
        self.node, self.u, self.ess, self.where = node, u, ess, where
        self.n = 1 if u is None else int(u.shape[0])
        self.col = 0
        self.layout: list[tuple[str, int]] = []  # (parameter label, columns)

    def _take(self, k: int) -> NDArray:
        assert self.u is not None
        cols = self.u[:, self.col:self.col + k]
        self.col += k
        return np.clip(cols, EDGE, 1 - EDGE)

    def scalar(self, name: str, param: Param) -> NDArray:
        dist, spread = scalar_distribution(name, param, self.ess, self.where)
        k = {"fixed": 0, "beta": 2}.get(dist, 1)
        if self.u is None:
            if k:
                self.layout.append((f"{self.node}: {name}", k))
            return np.array([param.value])
        if dist == "fixed":
            return np.full(self.n, param.value)
        if dist == "beta":
            a = np.array([[1.0 - param.value, param.value]]) * spread
            return _dirichlet_quantiles(a, self._take(2))[:, 0, 1]
        from scipy.special import ndtri

        z = ndtri(self._take(1)[:, 0])
        out: NDArray = (param.value * np.exp(spread * z) if dist == "lognormal"
                        else param.value + spread * z)
        return out

    def rows(self, name: str, labels: Sequence[str], means: NDArray,
             ess: Sequence[float | None]) -> NDArray:
        alphas = row_alphas(labels, means, ess, self.ess, self.where)
        if self.u is None:
            for label, row in zip(labels, alphas, strict=True):
                k = int((row > 0).sum())
                if k > 1:
                    self.layout.append((f"{self.node}: {name}[{label}]" if label
                                        else f"{self.node}: {name}", k))
            return means[None]
        cols = self._take(int(sum((row > 0).sum() for row in alphas if (row > 0).sum() > 1)))
        out = np.empty((self.n, *alphas.shape))
        c = 0
        for r, row in enumerate(alphas):
            k = int((row > 0).sum())
            if k > 1:
                out[:, r] = _dirichlet_quantiles(row[None], cols[:, c:c + k])[:, 0]
                c += k
            else:
                out[:, r] = (row > 0).astype(float)
        return out

    def as_probability(self, p: NDArray) -> NDArray:
        return np.clip(p, 0.0, 1.0)


def _dirichlet_quantiles(alpha: NDArray, u: NDArray) -> NDArray:
    """Dirichlet rows from uniforms: ``alpha`` (1, card) with ``k`` positive weights, ``u``
    (n, k) -> (n, 1, card). Gamma quantiles normalised; a row whose weights are all below
    TINY_ALPHA uses the small-shape tail log G = (log u + lgamma(a + 1)) / a, normalised in log
    space, so it does not underflow to an all-zero row."""
    from scipy.special import gammaincinv, gammaln

    row = alpha[0]
    pos = np.flatnonzero(row > 0)
    out = np.zeros((u.shape[0], 1, row.shape[0]))
    a = row[pos]
    if a.max() < TINY_ALPHA:
        logg = (np.log(u) + gammaln(a + 1.0)) / a
        logg -= logg.max(axis=1, keepdims=True)
        g = np.exp(logg)
    else:
        g = gammaincinv(a, u)  # the Gamma(a) quantile of u
    out[:, 0, pos] = g / g.sum(axis=1, keepdims=True)
    return out


@dataclass(frozen=True)
class _SampleSource:
    """The batched engine's ParameterSource over Sobol samples: each sample is one draw."""

    model: ModelSpec
    worldview: Worldview
    u: NDArray  # (samples, columns)
    columns: dict[str, tuple[int, int]]  # node -> its column range
    ess: float | None

    @property
    def n(self) -> int:
        return int(self.u.shape[0])

    def is_fixed(self, node: str) -> bool:
        return node not in self.columns

    def point(self, node: str) -> NDArray:
        return self.worldview.cpts[node].point_cpt(self.model)

    def block(self, node: str, start: int, stop: int) -> NDArray:
        c0, c1 = self.columns[node]
        values = _QuantileValues(node, self.u[start:stop, c0:c1], self.ess,
                                 (self.worldview.file, node))
        cpt: NDArray = self.worldview.cpts[node].cpt(self.model, values)
        return cpt

    @property
    def provenance(self) -> dict[str, Any]:
        return {}


def _layout(model: ModelSpec, form: CPTForm, node: str, ess: float | None,
            file: str | None) -> list[tuple[str, int]]:
    values = _QuantileValues(node, None, ess, (file, node))
    form.cpt(model, values)
    return values.layout


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
    from SALib.sample import sobol as sobol_sample

    if by not in ("node", "parameter"):
        raise SensitivityError(f"by must be one of node, parameter; got {by!r}")
    if (isinstance(samples, bool) or not isinstance(samples, int) or samples < 2
            or samples & (samples - 1)):
        raise SensitivityError(f"Sobol samples must be a power of 2 (SALib's Sobol' sequence "
                               f"needs it), e.g. 256, 512, 1024, 2048; got {samples!r}")
    net = q.net
    prior = net.prior
    if prior is None:
        from cruxnet.priors.worldview import worldview_from_cpts

        prior = worldview_from_cpts(net.worldview, net.spec, net.cpts, file=net.spec.file)
    pq = prepare_query(net, q.target, q.evidence)
    columns: dict[str, tuple[int, int]] = {}
    names: list[str] = []
    groups: list[str] = []
    for node in net.spec.node_ids:
        if node not in pq.keep or node in q.evidence.do:
            continue
        layout = _layout(net.spec, prior.cpts[node], node, q.ess, prior.file)
        start = len(names)
        for label, k in layout:
            for j in range(k):
                names.append(f"{label}#{j}")
                groups.append(node if by == "node" else label)
        if len(names) > start:
            columns[node] = (start, len(names))
    factors = list(dict.fromkeys(groups))
    if len(factors) < 2:
        raise SensitivityError(f"{q.label} depends on {len(factors)} uncertain factor(s); "
                               "Sobol indices need at least 2")
    problem = {"num_vars": len(names), "names": names, "groups": groups,
               "bounds": [[0.0, 1.0]] * len(names)}
    u = sobol_sample.sample(problem, samples, calc_second_order=False, seed=q.seed)
    source = _SampleSource(net.spec, prior, np.ascontiguousarray(u), columns, q.ess)
    post = posterior_draws(net, q.target, q.evidence, parameters=source)
    if post.n_impossible:
        raise SensitivityError(f"the evidence is impossible in {post.n_impossible} of the "
                               f"{source.n} Sobol samples; Sobol indices need every sample")
    y = post.probs[:, q.state_index]
    if not np.var(y) > 0:
        raise SensitivityError(f"{q.label} does not vary with the parameters; "
                               "there is no variance to apportion")
    res = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                num_resamples=num_resamples, seed=q.seed)
    order = np.argsort(-np.asarray(res["ST"]), kind="stable")
    data = {key: ("factor", np.asarray(res[key], dtype=float)[order])
            for key in ("S1", "S1_conf", "ST", "ST_conf")}
    return xr.Dataset(data, coords={"factor": [factors[i] for i in order]},
                      attrs={**q.provenance(f"Sobol indices (SALib, by {by})"),
                             "samples": samples, "evaluations": int(source.n),
                             "factors_by": by, "mean": float(y.mean()),
                             "variance": float(y.var()), "conf_level": 0.95})
