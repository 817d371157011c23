"""A network in one parameter draw: its tables rebuilt one at a time from the draws the batched
engine reads, so a test can query that draw with the exact engine or an oracle."""

from __future__ import annotations

from cruxnet.draws.streams import BLOCK
from cruxnet.inference.batched import source_for
from cruxnet.model.network import BayesNet

#: A number of draws that crosses a stream-block boundary.
N = BLOCK + 300


def net_in_draw(net: BayesNet, draws: int, seed: int, i: int, ess: float | None = None
                ) -> BayesNet:
    """The network whose CPTs are draw ``i`` of the prior, built one CPT at a time."""
    src = source_for(net, draws, seed, ess)
    b0 = (i // BLOCK) * BLOCK
    out = net
    for node in net.spec.node_ids:
        if not src.is_fixed(node):
            out = out.with_cpt(node, src.block(node, b0, min(b0 + BLOCK, draws))[i - b0])
    return out
