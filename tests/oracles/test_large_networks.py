"""Large and awkward networks: every bnlearn network pgmpy ships with up to ~10,000 free
parameters answers batched queries (each draw equal to the exact answer on that draw's tables);
memory does not grow with the number of draws. (Tiny probabilities and near-impossible evidence
keeping their precision: tests/unit/inference/test_exact.py.)"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.oracles import BNLEARN_DIR, bnlearn_path
from support.queries import random_queries

from cruxnet import Evidence, posterior, posterior_draws
from cruxnet.draws.streams import BLOCK
from cruxnet.inference.batched import source_for
from cruxnet.io.bif import read_bif
from cruxnet.model.network import BayesNet

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
    (target, hard), = random_queries(net, rng, 1)
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
    for n in (BLOCK, 4 * BLOCK):
        tracemalloc.start()
        posterior_draws(net, target, draws=n, seed=1, ess=50.0, threads=1)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # Four times the draws: the same peak, up to the results (n * (card + 2) * 8 bytes).
    card = net.spec.node(target).card
    assert peaks[1] < peaks[0] * 1.1 + 6 * BLOCK * (card + 2) * 8 * 2
