"""Large and awkward networks: every bnlearn network pgmpy ships with up to ~10,000 free
parameters answers batched queries (each draw equal to the exact answer on that draw's tables);
memory does not grow with the number of draws; tiny probabilities and near-impossible evidence
keep their precision (closed forms)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from numpy.testing import assert_allclose
from support.oracles import BNLEARN_DIR, bnlearn_path
from test_exact_oracles import _queries

from cruxnet import Evidence, load_network, posterior, posterior_draws
from cruxnet.inference.batched import source_for
from cruxnet.io.bif import read_bif
from cruxnet.priors.draws import BLOCK, DatasetDraws, cpt_name
from cruxnet.priors.network import BayesNet

#: Every network pgmpy ships with at most ~10,000 free parameters (checked below).
LARGE = ["alarm", "andes", "asia", "cancer", "child", "earthquake", "hailfinder", "hepar2",
         "insurance", "pigs", "sachs", "survey", "water", "win95pts"]
MAX_FREE = 10_500


def _free(net: BayesNet) -> int:
    return sum(c.size - c.size // c.shape[-1] for c in net.cpts.values())


@pytest.mark.slow
def test_the_list_is_every_shipped_network_up_to_ten_thousand_parameters() -> None:
    found = sorted(p.name.removesuffix(".bif.gz") for p in BNLEARN_DIR.glob("*.bif.gz")
                   if _free(read_bif(p, normalize=True)) <= MAX_FREE)
    assert found == LARGE


@pytest.mark.parametrize("name", LARGE)
def test_batched_draws_equal_exact_answers_on_each_draws_tables(
        name: str, rng: np.random.Generator) -> None:
    net = read_bif(bnlearn_path(name), normalize=True)
    n = BLOCK + 40  # two stream blocks
    (target, hard), = _queries(net, rng, 1)
    ev = Evidence(hard=hard)
    post = posterior_draws(net, target, ev, draws=n, seed=3, ess=50.0)
    assert_allclose(post.probs.sum(axis=1), 1.0, atol=1e-12)
    src = source_for(net, n, 3, 50.0)
    for i in (0, BLOCK + 7):
        if i not in post.draw:
            continue  # evidence impossible in this draw (a drawn probability underflowed)
        b0 = (i // BLOCK) * BLOCK
        drawn = net
        for node in net.spec.node_ids:
            if not src.is_fixed(node):
                drawn = drawn.with_cpt(node, src.block(node, b0, min(b0 + BLOCK, n))[i - b0])
        row = int(np.flatnonzero(post.draw == i)[0])
        assert_allclose(post.probs[row], posterior(drawn, target, ev).probs, atol=1e-9)


@pytest.mark.slow
def test_memory_does_not_grow_with_the_number_of_draws() -> None:
    net = read_bif(bnlearn_path("hailfinder"), normalize=True)
    target = net.spec.node_ids[-1]
    peaks = []
    for n in (2 * BLOCK, 8 * BLOCK):
        tracemalloc.start()
        posterior_draws(net, target, draws=n, seed=1, ess=50.0, threads=1)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # Four times the draws: the same peak, up to the results (n * (card + 2) * 8 bytes).
    card = net.spec.node(target).card
    assert peaks[1] < peaks[0] * 1.1 + 6 * BLOCK * (card + 2) * 8 * 2


def _chain(tmp: Path, n: int, eps: float) -> BayesNet:
    """x0 -> x1 -> ... -> x{n-1}; P(x_i = yes | x_{i-1} = no) = eps, given yes: 2 eps."""
    lines = ["network chain {", "}"]
    lines += [f"variable x{i} {{ type discrete [ 2 ] {{ no, yes }}; }}" for i in range(n)]
    lines.append("probability ( x0 ) { table 0.5, 0.5; }")
    lines += [f"probability ( x{i} | x{i - 1} ) {{ (no) {1 - eps!r}, {eps!r}; "
              f"(yes) {1 - 2 * eps!r}, {2 * eps!r}; }}" for i in range(1, n)]
    path = tmp / f"chain{n}.bif"
    path.write_text("\n".join(lines) + "\n")
    return load_network(str(path))


@pytest.mark.parametrize("n", [5, 30, 80])
def test_near_impossible_evidence_keeps_its_precision(tmp_path: Path, n: int) -> None:
    """Every x_i = yes observed: P(e) = 0.5 (eps + 2 eps) (2 eps)^(n-2), down to
    n = 80 (1e-924), far below float64's range; P(x0 = yes | e) = 2/3 exactly."""
    eps = 1e-12
    net = _chain(tmp_path, n, eps)
    ev = Evidence(hard={f"x{i}": "yes" for i in range(1, n)})
    post = posterior(net, "x0", ev)
    assert_allclose(post.probs, [1 / 3, 2 / 3], rtol=1e-12)
    log_pe = np.log(0.5 * 3 * eps) + (n - 2) * np.log(2 * eps)
    assert_allclose(post.log_p_evidence, log_pe, rtol=1e-12)
    # The batched engine, on the same tables in two draws.
    data = {cpt_name(net.spec, k): xr.DataArray(np.stack([v, v]),
                                                dims=("draw", *net.spec.node(k).parents, k))
            for k, v in net.cpts.items()}
    draws = posterior_draws(net, "x0", ev, parameters=DatasetDraws(net.spec, xr.Dataset(data)))
    assert draws.n_impossible == 0
    assert_allclose(draws.probs, [[1 / 3, 2 / 3]] * 2, rtol=1e-12)


def test_tiny_probabilities_keep_their_relative_precision(tmp_path: Path) -> None:
    """a -> b with P(a) = 1e-12: P(a = yes | b) against the closed form, relative 1e-12."""
    p, q, r = 1e-12, 1e-12, 0.5  # P(a), P(b | not a), P(b | a)
    path = tmp_path / "tiny.bif"
    path.write_text("network t {\n}\n"
                    "variable a { type discrete [ 2 ] { no, yes }; }\n"
                    "variable b { type discrete [ 2 ] { no, yes }; }\n"
                    f"probability ( a ) {{ table {1 - p!r}, {p!r}; }}\n"
                    f"probability ( b | a ) {{ (no) {1 - q!r}, {q!r}; (yes) {1 - r!r}, {r!r}; }}\n")
    net = load_network(str(path))
    no_b = posterior(net, "a", Evidence(hard={"b": "no"}))["yes"]
    yes_b = posterior(net, "a", Evidence(hard={"b": "yes"}))["yes"]
    assert_allclose(no_b, p * (1 - r) / (p * (1 - r) + (1 - p) * (1 - q)), rtol=1e-12)
    assert_allclose(yes_b, p * r / (p * r + (1 - p) * q), rtol=1e-12)
    assert_allclose(posterior(net, "b")["yes"], p * r + (1 - p) * q, rtol=1e-12)
