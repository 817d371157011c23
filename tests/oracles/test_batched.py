"""The batched engine against pgmpy: in each probed draw, on the crux network and on bnlearn
networks (asia to insurance), the posterior equals pgmpy's on that draw's tables exported as
BIF, and the exact engine's with do() and a fixed marginal too, to 1e-9."""

from __future__ import annotations

import numpy as np
import pytest
from support.draws import N, net_in_draw
from support.oracles import pgmpy_from_bif_text, pgmpy_query

from cruxnet import Evidence, load_network, posterior
from cruxnet.draws.streams import BLOCK
from cruxnet.inference.batched import posterior_draws
from cruxnet.io.bif import format_bif

TOL = 1e-9


def test_crux_network_draws_agree_with_pgmpy() -> None:
    net = load_network("crux_network", "karnofsky_playbook")
    ev = Evidence(hard={"scheming": "no", "infosec_strong": "yes"})
    post = posterior_draws(net, "elicitation_success", ev, draws=N, seed=5)
    for i in (3, BLOCK + 1):
        model = pgmpy_from_bif_text(format_bif(net_in_draw(net, N, 5, i)))
        oracle = pgmpy_query(model, "elicitation_success", hard=dict(ev.hard))
        np.testing.assert_allclose(post.probs[i], [oracle["no"], oracle["yes"]], atol=TOL)


@pytest.mark.parametrize("name", ["asia", "sachs", "alarm", "insurance"])
def test_bnlearn_draws_equal_exact_and_pgmpy(name: str) -> None:
    from support.oracles import bnlearn_path

    from cruxnet.catalog import load_network as load

    net = load(bnlearn_path(name), normalize=True)
    leaves = [n for n in net.spec.node_ids if not net.spec.children(n)][:3]
    target = net.spec.node_ids[0]
    ev = Evidence(hard={leaves[0]: net.spec.node(leaves[0]).states[0]},
                  likelihood={leaves[1]: tuple(np.linspace(0.2, 1, net.spec.node(leaves[1]).card))})
    post = posterior_draws(net, target, ev, draws=N, seed=2, ess=40)
    for i in (0, BLOCK + 5):
        drawn = net_in_draw(net, N, 2, i, ess=40)
        np.testing.assert_allclose(post.probs[i], posterior(drawn, target, ev).probs, atol=TOL)
    # do() on a node with parents and a fixed marginal on a leaf, together.
    mid = next(n for n in net.spec.node_ids
               if net.spec.node(n).parents and n != target and n not in leaves)
    card = net.spec.node(leaves[-1]).card
    ev2 = Evidence(do={mid: net.spec.node(mid).states[-1]},
                   fixed={leaves[-1]: tuple(np.full(card, 1.0 / card))})
    post2 = posterior_draws(net, target, ev2, draws=N, seed=2, ess=40)
    for i in (3, BLOCK + 2):
        drawn = net_in_draw(net, N, 2, i, ess=40)
        np.testing.assert_allclose(post2.probs[i], posterior(drawn, target, ev2).probs,
                                   atol=TOL)
    model = pgmpy_from_bif_text(format_bif(net_in_draw(net, N, 2, 1, ess=40)))
    oracle = pgmpy_query(model, target, hard=dict(ev.hard), likelihood=dict(ev.likelihood))
    np.testing.assert_allclose(post.probs[1], [oracle[s] for s in net.spec.node(target).states],
                               atol=TOL)
