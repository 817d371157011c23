"""Random streams of parameter draws.

Draws come in blocks of :data:`BLOCK` draws. Block ``b`` of node ``X`` uses its own
random stream, seeded by ``(seed, X, b)``. So the draws of a node are the same whichever other
nodes a query needs, and whatever chunk size memory allows; they depend only on the seed, the
node and the number of draws (a run of ``N <= BLOCK`` draws is one block of size ``N``).
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["BLOCK", "DEFAULT_DRAWS", "DEFAULT_SEED"]


#: Draws per random-stream block.
BLOCK = 4096


#: The number of parameter draws a question gets when none is given (posterior_draws,
#: draw_parameters, cruxnet.show); analyses that repeat a query per node or lever
#: (:class:`cruxnet.sensitivity.Question`) default to fewer, 2,000.
DEFAULT_DRAWS = 10_000


#: The seed when none is given: the same everywhere, so results repeat.
DEFAULT_SEED = 0


def _node_key(node: str) -> int:
    return int.from_bytes(hashlib.sha256(node.encode()).digest()[:8], "little")


def node_generator(seed: int, node: str, block: int) -> np.random.Generator:
    """The random stream of ``node``'s draws in stream block ``block`` under ``seed``: its own
    PCG64, keyed by the node's name, so adding or removing other nodes changes nothing."""
    ss = np.random.SeedSequence(seed, spawn_key=(_node_key(node), block))
    return np.random.Generator(np.random.PCG64(ss))


def block_ranges(n: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` of the stream blocks covering ``n`` draws."""
    return [(s, min(s + BLOCK, n)) for s in range(0, n, BLOCK)]
