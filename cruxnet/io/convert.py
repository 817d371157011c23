"""Networks to and from pgmpy and pyAgrum objects (each imported only when used).

* :func:`to_pgmpy` builds a ``pgmpy`` ``DiscreteBayesianNetwork`` with one ``TabularCPD`` per
  node (the evidence in the node's parent order, state names kept);
* :func:`from_pgmpy` reads one back: its CPDs are written out as BIF and read by cruxnet's own
  parser, so the same checks apply (rows sum to 1, states, structure);
* :func:`to_pyagrum` builds a ``pyagrum.BayesNet`` (through BIF, which pyAgrum reads).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from cruxnet.io.bif import format_bif, parse_bif
from cruxnet.model.network import BayesNet

__all__ = ["from_pgmpy", "to_pgmpy", "to_pyagrum"]


def to_pgmpy(net: BayesNet) -> Any:
    """A pgmpy ``DiscreteBayesianNetwork`` with ``net``'s point CPTs.

    >>> from cruxnet.catalog import load_network
    >>> m = to_pgmpy(load_network("carlsmith_2021"))
    >>> m.check_model(), sorted(m.get_cpds("incentives").state_names)
    (True, ['aps_systems', 'incentives'])
    """
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    spec = net.spec
    model = DiscreteBayesianNetwork([(p, n.id) for n in spec.nodes for p in n.parents])
    model.add_nodes_from(spec.node_ids)
    cpds = []
    for n in spec.nodes:
        arr = np.asarray(net.cpts[n.id], dtype=float)
        values = np.moveaxis(arr, -1, 0).reshape(n.card, -1)
        cpds.append(TabularCPD(
            n.id, n.card, values, evidence=list(n.parents) or None,
            evidence_card=[spec.node(p).card for p in n.parents] or None,
            state_names={v: list(spec.node(v).states) for v in (n.id, *n.parents)}))
    model.add_cpds(*cpds)
    return model


def from_pgmpy(model: Any, *, name: str = "pgmpy_model") -> BayesNet:
    """A cruxnet network from a pgmpy Bayesian network (its CPDs' values and state names).

    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021")
    >>> back = from_pgmpy(to_pgmpy(net), name="carlsmith_2021")
    >>> all(np.allclose(back.cpts[n], net.cpts[n]) for n in net.spec.node_ids)
    True
    """
    from pgmpy.readwrite import BIFWriter

    text = str(BIFWriter(model))
    return parse_bif(text, file=f"<pgmpy model {name}>", name=name)


def to_pyagrum(net: BayesNet) -> Any:
    """A ``pyagrum.BayesNet`` with ``net``'s point CPTs (pyAgrum reads cruxnet's BIF)."""
    import warnings

    with warnings.catch_warnings():  # its SWIG module warns on import (an error under -W error)
        warnings.simplefilter("ignore", DeprecationWarning)
        import pyagrum as gum

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{net.spec.name or 'network'}.bif"
        path.write_text(format_bif(net), encoding="utf-8")
        return gum.loadBN(str(path))
