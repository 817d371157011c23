"""Sobol indices: the product chain's closed form, by parameter, bad sizes named, SALib's design,
the lazy design's rows, pattern CPTs equal to the forms row by row, and outputs from gradients
equal to row-by-row contractions."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.models import CHAIN, premise

from cruxnet import Evidence, load_network
from cruxnet.draws.coupling import ordering_parents
from cruxnet.sensitivity import Question, SensitivityError, sobol_indices


def test_sobol_indices_of_a_product_chain_match_the_closed_form():
    net = load_network("carlsmith_2021", "carlsmith")
    ds = sobol_indices(Question(net, "catastrophe", seed=4), samples=2048)
    # Independent Beta(m e, (1 - m) e) premises, e = 10 (the worldview's default_ess).
    m = np.array([premise(net, n) for n in CHAIN])
    a, b = m * 10, (1 - m) * 10
    ex, ex2 = m, a * (a + 1) / ((a + b) * (a + b + 1))
    var = np.prod(ex2) - np.prod(ex**2)
    for i, node in enumerate(CHAIN):
        s1 = (ex2[i] - ex[i] ** 2) * np.prod(np.delete(ex**2, i)) / var
        st = (ex2[i] - ex[i] ** 2) * np.prod(np.delete(ex2, i)) / var
        row = ds.sel(factor=node)
        assert abs(float(row.S1) - s1) < max(0.03, 2 * float(row.S1_conf)), node
        assert abs(float(row.ST) - st) < max(0.03, 2 * float(row.ST_conf)), node
    again = sobol_indices(Question(net, "catastrophe", seed=4), samples=2048)
    assert np.array_equal(again.ST.values, ds.ST.values)
    assert ds.attrs["evaluations"] == 2048 * (len(CHAIN) + 2)


def test_sobol_indices_take_a_persons_stated_marginal():
    """A stated marginal on the chain's third premise: P(alignment_hard) is then the stated
    Beta in every sample whatever the premises above it, so P(catastrophe) is that Beta times
    the later premises (the same closed form, the stated Beta in place of the premise's own,
    the premises above it with no share at all)."""
    from cruxnet import with_stated_marginals

    net = load_network("carlsmith_2021", "carlsmith")
    mean, ess = 0.1, 60.0  # narrow enough that no draw needs redrawing (q < P(parents))
    mine = with_stated_marginals(net, {"alignment_hard": {"yes": {"mean": mean, "ess": ess}}})
    ds = sobol_indices(Question(mine, "catastrophe", seed=4), samples=2048)
    later = CHAIN[CHAIN.index("alignment_hard") + 1:]
    m = np.array([mean] + [premise(net, n) for n in later])
    e = np.array([ess] + [10.0] * len(later))
    a, b = m * e, (1 - m) * e
    ex, ex2 = m, a * (a + 1) / ((a + b) * (a + b + 1))
    var = np.prod(ex2) - np.prod(ex**2)
    for i, node in enumerate(["alignment_hard", *later]):
        s1 = (ex2[i] - ex[i] ** 2) * np.prod(np.delete(ex**2, i)) / var
        st = (ex2[i] - ex[i] ** 2) * np.prod(np.delete(ex2, i)) / var
        row = ds.sel(factor=node)
        assert abs(float(row.S1) - s1) < max(0.03, 2 * float(row.S1_conf)), node
        assert abs(float(row.ST) - st) < max(0.03, 2 * float(row.ST_conf)), node
    for node in CHAIN[:CHAIN.index("alignment_hard")]:
        assert abs(float(ds.ST.sel(factor=node))) < 0.01, node
    assert_allclose(ds.attrs["mean"], np.prod(m), rtol=0.02)
    by_parameter = sobol_indices(Question(mine, "catastrophe", seed=4), samples=256,
                                 by="parameter")
    assert "alignment_hard: stated marginal" in by_parameter.factor.values.tolist()


def test_sobol_by_parameter_and_bad_sizes():
    net = load_network("crux_network", "gs_deference")
    ds = sobol_indices(Question(net, "scheming", evidence=Evidence(
        hard={"capability_restraint": "pause"})), samples=128, by="parameter")
    assert all(str(f).split(":")[0] in net.spec for f in ds.factor.values)
    assert np.all(ds.ST.values >= -0.1)
    for bad in (1000, 0, 3, True):
        with pytest.raises(SensitivityError, match=r"power of 2.*256, 512, 1024"):
            sobol_indices(Question(net, "catastrophe"), samples=bad)
    with pytest.raises(SensitivityError, match="by must be one of"):
        sobol_indices(Question(net, "catastrophe"), by="row")


def test_saltelli_sample_is_salibs_design():
    from SALib.sample import sobol as salib_sample

    from cruxnet.sensitivity.sobol import saltelli_sample

    groups = ["a", "a", "b", "c", "b", "c", "c"]
    problem = {"num_vars": 7, "names": [f"x{i}" for i in range(7)], "groups": groups,
               "bounds": [[0.0, 1.0]] * 7}
    ref = salib_sample.sample(problem, 64, calc_second_order=False, seed=11)
    assert np.array_equal(saltelli_sample(groups, 64, 11), ref)


def test_lazy_design_rows_equal_the_materialised_design(rng):
    from cruxnet.sensitivity.sobol import _membership, _saltelli_rows, _SampleSource

    groups = ["x", "y", "y", "z", "x", "z", "z"]
    a, b = rng.random((16, 7)), rng.random((16, 7))
    src = _SampleSource(None, None, a, b, _membership(groups), {}, None)  # type: ignore[arg-type]
    full = _saltelli_rows(a, b, groups)
    assert src.n == len(full)
    assert np.array_equal(src.values(0, src.n, 0, 7), full)
    assert np.array_equal(src.values(7, 33, 2, 5), full[7:33, 2:5])


@pytest.mark.parametrize("by", ["node", "parameter"])
def test_pattern_cpts_equal_forms_evaluated_row_by_row(by, rng):
    from cruxnet.sensitivity.sobol import (
        _layout,
        _membership,
        _SampleSource,
        _VariateValues,
        column_values,
    )

    net = load_network("crux_network", "carlsmith_ai4ais")
    prior = net.prior
    columns, groups, layout = {}, [], []
    for node in ["alignment_difficulty", "scheming", "lead_time", "safety_loop_outpaces"]:
        start = len(groups)
        for label, kinds in _layout(net.spec, prior.cpts[node], node, None, prior.file,
                                    ordering_parents(net.spec, prior, node)):
            layout.append(kinds)
            groups += [node if by == "node" else label] * len(kinds)
        columns[node] = (start, len(groups))
    a = column_values(rng.random((8, len(groups))), layout)
    b = column_values(rng.random((8, len(groups))), layout)
    src = _SampleSource(net.spec, prior, a, b, _membership(groups), columns, None)
    src.prepare()
    for node, (c0, c1) in columns.items():
        for s, e in [(0, src.n), (5, 29)]:
            direct = prior.cpts[node].cpt(net.spec, _VariateValues(
                node, src.values(s, e, c0, c1), None, (None, node),
                ordering_parents(net.spec, prior, node)))
            assert_allclose(src.block(node, s, e), direct, rtol=0, atol=1e-15)


@pytest.mark.parametrize("by,evidence", [
    ("node", Evidence(hard={"lead_time": "to_6mo"}, likelihood={"scheming": (1.0, 3.0)})),
    ("parameter", Evidence(do={"capability_restraint": "pause"})),
])
def test_sobol_rows_from_gradients_equal_row_by_row_contractions(by, evidence):
    from cruxnet.inference.batched import posterior_draws
    from cruxnet.sensitivity import sobol as S

    net = load_network("crux_network", "gs_deference")
    q = Question(net, "catastrophe", evidence=evidence, seed=2)
    captured = {}
    original = S._outputs_by_gradients

    def spy(q, source):
        captured["source"] = source
        captured["y"] = original(q, source)
        return captured["y"]

    S._outputs_by_gradients = spy
    try:
        sobol_indices(q, samples=32, by=by)
    finally:
        S._outputs_by_gradients = original
    direct = posterior_draws(net, "catastrophe", evidence, parameters=captured["source"])
    assert direct.n_impossible == 0
    assert_allclose(captured["y"], direct.probs[:, 1], rtol=1e-10, atol=1e-13)
