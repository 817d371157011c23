"""The hierarchical pool (PyMC): the panel's records give inference data whose population mean
lies between the experts, and draws the batched engine takes unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.models import PANEL

from cruxnet.catalog import network_from_worldview
from cruxnet.updating.pooling import compile_elicitation
from cruxnet.updating.records import load_elicitation


@pytest.mark.slow
def test_hierarchical_pool_gives_inference_data_and_draws(spec):
    import dataclasses

    from cruxnet.draws.dataset import DatasetDraws
    from cruxnet.inference.batched import posterior_draws
    from cruxnet.updating.pooling import pooled_parameter_draws

    recs = dataclasses.replace(load_elicitation(PANEL, spec), pool="hierarchical")
    comp = compile_elicitation(recs, seed=1)
    post = comp.idata.posterior
    assert {"mu", "tau", "z_new"} <= set(post.data_vars)
    label = "bgd_exists[alignment_difficulty=hard]"
    theta = post[label].values.reshape(-1, 2)[:, 1]
    # The population mean lies between the experts (their medians 0.31 to 0.55).
    expert_vals = [r.distribution.mean[1] for r in recs.records if r.target.label == label]
    assert min(expert_vals) < np.median(theta) < max(expert_vals)
    # The draws of the pooled row reach the batched engine unchanged.
    ds = pooled_parameter_draws(comp, 4000, seed=2)
    row = ds["P(bgd_exists | alignment_difficulty)"].sel(alignment_difficulty="hard",
                                                         bgd_exists="yes").values
    assert abs(row.mean() - theta.mean()) < 4 * theta.std() / np.sqrt(4000) + 0.01
    net = network_from_worldview(spec, comp.worldview)
    out = posterior_draws(net, "bgd_exists", parameters=DatasetDraws(spec, ds))
    # In every draw, P(bgd_exists = yes) = sum over difficulty of P(d) P(yes | d), from the
    # drawn arrays themselves (the pooled row included).
    p_d = ds["P(alignment_difficulty)"].transpose("draw", "alignment_difficulty").values
    p_yes = ds["P(bgd_exists | alignment_difficulty)"].sel(bgd_exists="yes").transpose(
        "draw", "alignment_difficulty").values
    assert_allclose(out["yes"], (p_d * p_yes).sum(axis=1), atol=1e-12)
