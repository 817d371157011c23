"""The examples registry: facts users can check, the Carlsmith chain's products of premises."""

from __future__ import annotations

import math

import pytest

from cruxnet import Evidence, load_network, posterior
from cruxnet.examples import CARLSMITH_PREMISES, EXAMPLES


def test_carlsmith_values() -> None:
    net = load_network("carlsmith_2021")
    assert posterior(net, "catastrophe")["yes"] == pytest.approx(0.051376, abs=1e-12)
    sf = load_network("carlsmith_2021", "superforecasters_2023")
    assert posterior(sf, "catastrophe")["yes"] == pytest.approx(0.002088, abs=1e-12)


@pytest.mark.parametrize("worldview", sorted(CARLSMITH_PREMISES))
def test_carlsmith_chain_is_the_product_of_premises(worldview: str) -> None:
    p = CARLSMITH_PREMISES[worldview]
    net = load_network("carlsmith_2021", worldview)
    ids = net.spec.node_ids
    assert ids[-1] == "catastrophe" and len(ids) == 6
    assert posterior(net, "catastrophe")["yes"] == pytest.approx(math.prod(p), abs=1e-15)
    assert EXAMPLES["carlsmith_2021"].expected[worldview] == pytest.approx(math.prod(p))
    # Given premise k holds, catastrophe needs only the later ones.
    for k, node in enumerate(ids):
        post = posterior(net, "catastrophe", Evidence(hard={node: "yes"}))
        assert post["yes"] == pytest.approx(math.prod(p[k + 1:]), abs=1e-15)
        # P(evidence) = P(premises 1..k+1 all hold)
        assert post.p_evidence == pytest.approx(math.prod(p[:k + 1]), abs=1e-15)
    # Structural zeros: a failed premise rules out catastrophe.
    for node in ids[:-1]:
        assert posterior(net, "catastrophe", Evidence(hard={node: "no"}))["yes"] == 0.0
