"""Converters to and from pgmpy and pyAgrum (issue 16, item 5): round trips, and pyAgrum's
answers on the converted network."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.testing import assert_allclose

from cruxnet import posterior
from cruxnet.io import from_pgmpy, to_pgmpy, to_pyagrum

with warnings.catch_warnings():  # SWIG's import-time DeprecationWarning, an error under pytest
    warnings.simplefilter("ignore")
    import pyagrum as gum


def test_pgmpy_and_pyagrum_round_trips(net) -> None:
    back = from_pgmpy(to_pgmpy(net), name="crux_network")
    for node in net.spec.node_ids:
        assert back.spec.node(node).parents == net.spec.node(node).parents
        assert_allclose(np.asarray(back.cpts[node]), np.asarray(net.cpts[node]), atol=1e-12)
    bn = to_pyagrum(net)
    ie = gum.LazyPropagation(bn)
    ie.setEvidence({"scheming": "no"})
    ie.makeInference()
    got = ie.posterior("catastrophe").toarray()
    assert_allclose(got, posterior(net, "catastrophe", {"scheming": "no"}).probs, atol=1e-12)
