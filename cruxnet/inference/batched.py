"""Batched exact inference: P(target | evidence) for every parameter draw in one contraction.

For ``N`` draws of the CPTs (:mod:`cruxnet.draws.worldview`), the query's factors carry a trailing
draw axis and one contraction (path found once per problem shape and cached, see
:mod:`cruxnet.inference.contract`) gives all ``N`` posteriors. Evidence is the foundation's:
hard, likelihood, fixed marginals (Jeffrey's rule, fitted per draw) and do (graph surgery; the
intervened node is fixed, so it is not drawn).

**Memory.** Draws are processed one stream block (:data:`~cruxnet.draws.worldview.BLOCK` draws)
per chunk and worker, and inside a chunk the contraction runs on sub-chunks. Peak memory stays
within ``memory_limit`` (default :data:`MEMORY_LIMIT`, 512 MiB) for the contraction's
intermediates, plus one block of drawn CPTs per worker, plus the results themselves,
``N * (card + 2) * 8`` bytes, which must fit in the available memory (checked up front).

**Impossible draws.** Evidence can have probability 0 in some draws and not others (a drawn
probability underflows to 0; fixed marginals that cannot hold in a draw). Those draws are
dropped and counted (``n_impossible``); the rest are summarised. Only if every draw is
impossible is it an :class:`~cruxnet.base.errors.ImpossibleEvidenceError`. Evidence that is merely
very unlikely keeps its precision: draws where P(e) falls below
:data:`~cruxnet.inference.contract.UNDERFLOW` are contracted again with every intermediate
rescaled (:func:`~cruxnet.inference.contract.contract_factors_scaled`), so a long product of
tiny probabilities is not mistaken for 0.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.errors import DrawsError, EvidenceError, ImpossibleEvidenceError
from cruxnet.base.types import NDArray
from cruxnet.base.validate import check_draws
from cruxnet.draws.dataset import source_dataset
from cruxnet.draws.source import ParameterSource
from cruxnet.draws.streams import BLOCK, DEFAULT_DRAWS, DEFAULT_SEED
from cruxnet.draws.worldview import WorldviewDraws
from cruxnet.inference.contract import (
    UNDERFLOW,
    Factor,
    contract_factors_scaled,
    largest_intermediate,
)
from cruxnet.inference.evidence import Evidence, EvidenceLike
from cruxnet.inference.factors import DRAW, prepare_query, query_factors
from cruxnet.inference.jeffrey import contract_draws, fit_fixed_marginals
from cruxnet.inference.marginals import StatedMarginalDraws
from cruxnet.inference.results import PosteriorDraws
from cruxnet.model.network import BayesNet

if TYPE_CHECKING:
    import xarray as xr


__all__ = ["MEMORY_LIMIT", "ParameterSource", "draw_axis_last", "draw_parameters",
           "posterior_draws", "source_for"]

#: Default bound on the memory of drawn CPTs and intermediates per chunk (bytes).
MEMORY_LIMIT = 512 * 2**20
#: At most this many threads share the draws.
MAX_WORKERS = 8
#: Bytes of the largest intermediate per contraction: sub-chunks of draws this size stay in
#: cache; small networks contract a whole block at once (fewer calls), large ones fewer draws.
CACHE_BYTES = 2**20
#: Fewest draws per contraction (below this, per-call overhead dominates).
MIN_SUB_CHUNK = 256


class _DoDraws:
    """Wraps a source so intervened nodes are fixed one-hot CPTs (never drawn)."""

    def __init__(self, source: ParameterSource, work: BayesNet, do: Mapping[str, str]):
        self.source, self.work, self.do = source, work, do
        self.n = source.n

    def is_fixed(self, node: str) -> bool:
        return node in self.do or self.source.is_fixed(node)

    def point(self, node: str) -> NDArray:
        return np.asarray(self.work.cpts[node]) if node in self.do else self.source.point(node)

    def block(self, node: str, start: int, stop: int) -> NDArray:
        return self.source.block(node, start, stop)

    def check(self, nodes: Sequence[str]) -> None:
        self.source.check([n for n in nodes if n not in self.do])

    @property
    def provenance(self) -> dict[str, Any]:
        return self.source.provenance


def available_memory() -> int | None:
    """Bytes of memory available now (Linux ``MemAvailable``), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def _gib(nbytes: float) -> str:
    return f"{nbytes / 2**30:.3g} GiB" if nbytes >= 2**28 else f"{nbytes / 2**20:.3g} MiB"


def source_for(net: BayesNet, draws: int, seed: int, ess: float | None = None
               ) -> ParameterSource:
    """Prior draws of ``net``'s worldview (a BIF network: its tables, with ``ess``), with its
    stated marginals holding draw by draw (:class:`~cruxnet.inference.marginals
    .StatedMarginalDraws`). A network made by ``do`` draws as the network before the surgery,
    then cut (its stated marginals hold in the world without the interventions)."""
    from cruxnet.model.worldview import worldview_from_cpts

    if net.cut_from is not None:
        before, interventions = net.cut_from
        return _DoDraws(source_for(before, draws, seed, ess), net, interventions)

    prior = net.prior or worldview_from_cpts(net.worldview, net.spec, net.cpts,
                                             file=net.spec.file)
    if ess is not None and not (isinstance(ess, (int, float)) and math.isfinite(ess) and ess > 0):
        raise DrawsError(f"ess must be a number > 0, got {ess!r}")
    source = WorldviewDraws(net.spec, prior, check_draws(draws), seed, ess)
    if not net.marginals:
        return source
    return StatedMarginalDraws(source, net, seed=seed, ess=ess)


def _workers(n: int) -> int:
    """Threads for ``n`` draws: one per core (numpy's samplers and einsum release the GIL)."""
    return max(1, min(os.cpu_count() or 1, n // BLOCK, MAX_WORKERS))


def draw_parameters(net: BayesNet, *, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                    nodes: Sequence[str] | None = None, ess: float | None = None
                    ) -> xr.Dataset:
    """``draws`` parameter draws of ``net``'s CPTs as an ``xarray.Dataset`` (one variable per
    CPT, dims ``("draw", *parents, node)``): the same draws :func:`posterior_draws` uses for
    the same seed, stated marginals included. ``to_inference_data(ds)``
    (:mod:`cruxnet.draws.worldview`) gives ArviZ InferenceData.

    >>> from cruxnet.catalog import load_network
    >>> ds = draw_parameters(load_network("carlsmith_2021"), draws=500, seed=3)
    >>> ds["P(aps_systems)"].dims, ds.attrs["seed"]
    (('draw', 'aps_systems'), 3)
    """
    if nodes is not None:
        for node in nodes:
            if node not in net.spec:
                raise DrawsError(f"unknown node {node!r} in model {net.spec.name}")
    return source_dataset(net.spec, source_for(net, draws, seed, ess), nodes)


def posterior_draws(net: BayesNet, target: str, evidence: EvidenceLike = None, *,
                    draws: int | None = None, seed: int = DEFAULT_SEED,
                    ess: float | None = None,
                    parameters: ParameterSource | None = None,
                    memory_limit: int = MEMORY_LIMIT, threads: int | None = None,
                    progress: bool = False) -> PosteriorDraws:
    """P(target | evidence) in each of ``draws`` parameter draws, in one batched contraction.

    Parameters
    ----------
    net
        The network; its ``prior`` (the worldview's forms) gives the draws.
    target
        The node to query.
    evidence
        Hard, likelihood, fixed-marginal and do evidence (see :class:`Evidence`).
    draws
        Number of parameter draws (default :data:`~cruxnet.draws.worldview.DEFAULT_DRAWS`,
        10,000); not with ``parameters``, which bring their own.
    seed
        A non-negative integer; the same seed gives identical results.
    ess
        Effective sample size for CPT rows that state no uncertainty (BIF networks).
    parameters
        Draws to use instead of the prior's (e.g. :class:`DatasetDraws` of fitted draws).
    memory_limit
        Bytes for drawn CPTs and intermediates per chunk (see the module docstring).
    threads
        Worker threads (default: one per core, at most :data:`MAX_WORKERS`). Results do not
        depend on it.
    progress
        Show a progress bar (on a terminal) over chunks.

    Returns
    -------
    PosteriorDraws
        ``.probs[i]`` is the exact posterior in draw ``.draw[i]``; ``.summary()`` gives means
        and credible intervals; ``.to_xarray()`` a DataArray with dims ``("draw", target)``.

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021", "carlsmith")
    >>> post = posterior_draws(net, "catastrophe", draws=20_000, seed=1)
    >>> post.probs.shape, post.n_impossible
    ((20000, 2), 0)
    >>> round(float(post["yes"].mean()), 3)  # independent Beta premises: product of means
    0.051
    """
    q = prepare_query(net, target, evidence)
    ev, work, hard, keep = q.evidence, q.work, q.hard, q.keep
    if not (isinstance(memory_limit, int) and memory_limit > 0):
        raise DrawsError(f"memory_limit must be a positive number of bytes, got {memory_limit!r}")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int)
                                or threads < 1):
        raise DrawsError(f"threads must be a positive integer, got {threads!r}")
    if parameters is not None and draws is not None:
        raise DrawsError(f"give draws= or parameters=, not both: the {draws} draws asked for "
                         "would be ignored for the parameters' own")
    source: ParameterSource = parameters if parameters is not None else source_for(
        net, DEFAULT_DRAWS if draws is None else draws, seed, ess)
    n = source.n
    if ev.do:
        source = _DoDraws(source, work, ev.do)
    spec = work.spec
    drawn = [node for node in spec.node_ids if node in keep and not source.is_fixed(node)]
    if len(ev.fixed) > 1 and parameters is None:
        # Marginals that contradict each other at the point values almost always do so by
        # structure (a gate, a structural zero); say so at once instead of fitting every draw.
        from cruxnet.inference.exact import posterior as exact_posterior

        try:
            exact_posterior(net, target, ev)
        except EvidenceError as exc:
            raise EvidenceError(f"{exc} (at the worldview's point values; no draws made)"
                                ) from None
        except ImpossibleEvidenceError:
            pass  # may still be possible in some draws
    source.check(drawn)
    card = spec.node(target).card
    result_bytes = n * (card + 2) * 8
    avail = available_memory()
    if avail is not None and result_bytes > avail:
        raise DrawsError(f"{n} draws need {_gib(result_bytes)} for the results alone "
                          f"({n} x {card + 2} x 8 bytes) but only {_gib(avail)} is available; "
                          "use fewer draws")
    probs = np.empty((card, n))
    p_ev = np.empty(n)
    ok = np.ones(n, dtype=bool)
    workers = _workers(n) if threads is None else min(threads, max(1, n // BLOCK))
    # One chunk per stream block, so chunks spread over the worker threads; each worker holds
    # one block of drawn CPTs and contracts it in sub-chunks within its share of the limit.
    chunks = [(s, min(s + BLOCK, n)) for s in range(0, n, BLOCK)]
    sub_limit = memory_limit // (2 * workers)

    def run(chunk: tuple[int, int]) -> None:
        start, stop = chunk
        blocks = {node: draw_axis_last(source.block(node, start, stop)) for node in drawn}
        fixed_cpts = {node: np.asarray(source.point(node)) for node in keep
                      if node not in blocks}

        def factors_for(s: int, e: int) -> list[Factor]:
            def cpt_of(node: str) -> tuple[NDArray, bool]:
                if node in blocks:
                    return blocks[node][..., s:e], True
                return fixed_cpts[node], False

            return query_factors(spec, keep, hard, target, ev.likelihood, cpt_of)

        size = stop - start
        sub = _sub_chunk(factors_for(0, size), target, size, sub_limit)
        for s in range(0, size, sub):
            e = min(s + sub, size)
            _solve(factors_for(s, e), target, ev, e - s, probs[:, start + s:start + e],
                   p_ev[start + s:start + e], ok[start + s:start + e])

    bar = _progress(len(chunks), progress, f"P({target}) over {n} draws")
    try:
        if workers == 1 or len(chunks) == 1:
            for chunk in chunks:
                run(chunk)
                bar.update(1)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(workers) as pool:
                for _ in pool.map(run, chunks):
                    bar.update(1)
    finally:
        bar.close()
    if not ok.any():
        why = ("has probability 0, or its fixed marginals cannot all hold," if ev.fixed
               else "has probability 0")
        raise ImpossibleEvidenceError(
            f"the evidence {why} in every one of the {n} draws of model "
            f"{net.spec.name}{' (worldview ' + net.worldview + ')' if net.worldview else ''}: "
            f"{ev.describe()}")
    idx = np.flatnonzero(ok)
    out = probs[:, idx].T if not ok.all() else probs.T
    out.setflags(write=False)
    return PosteriorDraws(target=target, states=spec.node(target).states, probs=out,
                          draw=idx, p_evidence=p_ev[idx], n_draws=n, evidence=ev,
                          provenance=dict(source.provenance))


def draw_axis_last(block: NDArray) -> NDArray:
    """The block with its draw axis last and unit-stride (a view when it already is)."""
    arr = np.moveaxis(block, 0, -1)
    return arr if arr.strides[-1] == arr.itemsize else np.ascontiguousarray(arr)


def _sub_chunk(factors: list[Factor], target: str, chunk: int, limit: int) -> int:
    """Draws per contraction so the intermediates stay within ``limit`` bytes."""
    if not any(DRAW in axes for _, axes in factors):
        return chunk
    largest = 8 * (largest_intermediate(factors, [target, DRAW]) // chunk + 1)
    cache_fit = max(MIN_SUB_CHUNK, CACHE_BYTES // largest)
    return max(1, min(chunk, cache_fit, limit // (3 * largest)))


def _solve(factors: list[Factor], target: str, ev: Evidence, m: int, probs: NDArray,
           p_ev: NDArray, ok: np.ndarray[Any, np.dtype[np.bool_]]) -> None:
    """Fill ``probs`` (card, m), ``p_ev`` (m,) and ``ok`` (m,) for one sub-chunk of draws."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if ev.fixed:
            p_e = contract_draws(factors, [], m)
            ok &= np.isfinite(p_e) & (p_e > 0)
            fit = fit_fixed_marginals(ev.fixed, factors, m)
            ok &= fit.feasible
            factors = factors + fit.factors
        unnorm = contract_draws(factors, [target], m)
        z = unnorm.sum(axis=0)
        tiny = ~(z > UNDERFLOW)
        if tiny.any() and not ev.fixed and any(DRAW in axes for _, axes in factors):
            # Draws whose evidence is so unlikely that the product underflowed (or nearly):
            # contract those again with every intermediate rescaled.
            idx = np.flatnonzero(tiny)
            sub = [(arr[..., idx], axes) if DRAW in axes else (arr, axes)
                   for arr, axes in factors]
            scaled, log_s = contract_factors_scaled(sub, [target, DRAW])
            unnorm = np.array(unnorm, dtype=float)
            unnorm[:, idx] = scaled
            z = unnorm.sum(axis=0)
            z_true = z.copy()
            z_true[idx] = z[idx] * np.exp(log_s)
        else:
            z_true = z
        good = np.isfinite(z) & (z > 0)
        ok &= good
        probs[:] = unnorm / np.where(good, z, 1.0)
        p_ev[:] = p_e if ev.fixed else z_true


class _NoBar:
    def update(self, k: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool, desc: str) -> Any:
    """A tqdm bar on stderr when enabled, there is more than one chunk, and stderr is a TTY."""
    import sys

    if not enabled or total < 2 or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="chunk", file=sys.stderr, leave=False)
