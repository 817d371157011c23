"""Sensitivity analysis against closed forms, finite differences, brute force and pgmpy."""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.oracles import bnlearn_path, pgmpy_from_bif_text

from cruxnet import Evidence, load_network, posterior
from cruxnet.io.bif import format_bif
from cruxnet.priors.draws import impose_orderings
from cruxnet.sensitivity import (
    Question,
    SensitivityError,
    decisive_observations,
    lever_effects,
    lint_worldview,
    node_swings,
    sensitivity_functions,
    smallest_belief_change,
    sobol_indices,
    value_of_information,
    worldview_shapley,
)
from cruxnet.sensitivity.oneway import _row_covaried

CHAIN = ["aps_systems", "incentives", "alignment_hard", "high_impact_failures",
         "disempowerment", "catastrophe"]


def _premise(net, node):  # P(node = yes | parent = yes): the chain's premise probability
    cpt = np.asarray(net.cpts[node])
    return float(cpt[-1] if cpt.ndim == 1 else cpt[-1, -1])


@pytest.mark.parametrize("worldview", ["carlsmith", "superforecasters_2023"])
def test_chain_swing_of_each_premise_is_the_product_of_the_others(worldview):
    net = load_network("carlsmith_2021", worldview)
    ds = sensitivity_functions(Question(net, "catastrophe", draws=0))
    p = {n: _premise(net, n) for n in CHAIN}
    for node in CHAIN:
        parent = net.spec.node(node).parents
        label = f"P({node}=yes{' | ' + parent[0] + '=yes' if parent else ''})"
        row = ds.sel(parameter=label)
        f0 = float(row.b / row.d)
        f1 = float((row.a + row.b) / (row.c + row.d))
        others = math.prod(v for k, v in p.items() if k != node)
        assert_allclose(f1 - f0, others, rtol=1e-12)


@pytest.mark.parametrize("model,worldview,target,evidence", [
    ("crux_network", "gs_deference", "catastrophe", Evidence(hard={"lead_time": "to_6mo"})),
    ("crux_network", "carlsmith_ai4ais", "scheming",
     Evidence(likelihood={"deception_demonstrated": (0.2, 0.9)})),
    ("asia", None, "lung", Evidence(hard={"xray": "yes", "smoke": "no"})),
])
def test_sensitivity_functions_match_recomputation_and_finite_differences(
        model, worldview, target, evidence, rng):
    if model == "asia":
        net = load_network(bnlearn_path("asia"), normalize=True)
    else:
        net = load_network(model, worldview)
    q = Question(net, target, evidence=evidence, draws=0)
    ds = sensitivity_functions(q)
    picks = rng.choice(ds.sizes["parameter"], size=min(12, ds.sizes["parameter"]), replace=False)
    checked = 0
    for i in picks:
        row = ds.isel(parameter=int(i))
        node = str(row.node.values)
        label = str(row.parameter.values)
        spec = net.spec.node(node)
        state = label[len(f"P({node}="):].split(" | ")[0].rstrip(")")
        x = spec.states.index(state)
        u = _row_index(net, node, label)
        cpt = np.asarray(net.cpts[node])
        a, b, c, d = (float(row[k]) for k in "abcd")

        def exact(theta, cpt=cpt, u=u, x=x, node=node):
            new = cpt.copy()
            new[u] = _row_covaried(cpt[u], x, theta)
            return posterior(net.with_cpt(node, new), target, evidence)[str(q.state)]

        theta = float(rng.uniform(0.05, 0.95))
        assert_allclose((a * theta + b) / (c * theta + d), exact(theta), rtol=1e-9, atol=1e-12)
        t0, h = float(row.value), 1e-6
        if h < t0 < 1 - h:
            fd = (exact(t0 + h) - exact(t0 - h)) / (2 * h)
            assert_allclose(float(row.derivative), fd, rtol=1e-4, atol=1e-8)
        checked += 1
    assert checked >= 5


def _row_index(net, node, label):
    spec = net.spec.node(node)
    if " | " not in label:
        return ()
    conds = dict(part.split("=") for part in label.split(" | ")[1].rstrip(")").split(", "))
    return tuple(net.spec.node(p).states.index(conds[p]) for p in spec.parents)


def _pgmpy_joint(net, a, b, hard):
    from pgmpy.inference import VariableElimination

    model = pgmpy_from_bif_text(format_bif(net))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = VariableElimination(model).query([a, b], evidence=hard, joint=True,
                                             show_progress=False)
    f = f.copy()
    order = [f.variables.index(a), f.variables.index(b)]
    vals = np.transpose(f.values, order)
    sa = [str(s) for s in f.state_names[a]]
    sb = [str(s) for s in f.state_names[b]]
    ia = [sa.index(s) for s in net.spec.node(a).states]
    ib = [sb.index(s) for s in net.spec.node(b).states]
    return vals[np.ix_(ia, ib)] / vals.sum()


@pytest.mark.parametrize("worldview,hard", [
    ("gs_deference", {}), ("human_labor_first", {"deception_demonstrated": "yes"})])
def test_mutual_information_and_swings_match_pgmpy_joints(worldview, hard):
    net = load_network("crux_network", worldview)
    nodes = ["scheming", "alignment_difficulty", "lead_time", "safety_loop_outpaces"]
    q = Question(net, "catastrophe", evidence=Evidence(hard=hard), draws=0)
    voi = value_of_information(q, nodes)
    swings = node_swings(q, nodes)
    for node in nodes:
        joint = _pgmpy_joint(net, node, "catastrophe", hard)
        px, pt = joint.sum(axis=1), joint.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            mi = np.nansum(np.where(joint > 0, joint * np.log(joint / np.outer(px, pt)), 0))
            cond = joint[:, 1] / px
        assert_allclose(float(voi.mutual_information.sel(node=node)), mi, rtol=1e-9, atol=1e-12)
        assert_allclose(float(voi.variance_reduction.sel(node=node)),
                        np.sum(px * (cond - pt[1]) ** 2), rtol=1e-9, atol=1e-14)
        assert_allclose(float(swings.swing.sel(node=node)),
                        np.nanmax(cond) - np.nanmin(cond), rtol=1e-9)


def test_node_swings_intervals_come_from_the_draws():
    net = load_network("carlsmith_2021", "carlsmith")
    q = Question(net, "catastrophe", draws=400, seed=3)
    ds = node_swings(q, ["aps_systems"])
    # In each draw P(cat | aps=yes) - P(cat | aps=no) = the product of the drawn later premises.
    draws = q.parameters.dataset
    prod = np.ones(400)
    for node in CHAIN[1:]:
        cpt = draws[f"P({node} | {net.spec.node(node).parents[0]})"]
        prod *= cpt.isel({cpt.dims[1]: -1, cpt.dims[2]: -1}).values
    assert_allclose(ds.swing_ci.sel(node="aps_systems").values,
                    np.quantile(prod, [0.05, 0.95]), rtol=1e-9)


def test_root_lever_observing_equals_doing_and_effects_match_exact_queries():
    net = load_network("crux_network", "karnofsky_playbook")
    q = Question(net, "catastrophe", draws=300, seed=2)
    ds = lever_effects(q)
    for lever in ds.lever.values:
        row = ds.sel(lever=lever)
        spec = net.spec.node(str(lever))
        lo, hi = spec.lever_range  # first and last state, or the model's lever_states
        assert (str(row.low_state.values), str(row.high_state.values)) == (lo, hi)
        for col, state in (("do_low", lo), ("do_high", hi)):
            assert_allclose(float(row[col]),
                            posterior(net, "catastrophe", Evidence(do={str(lever): state}))["yes"],
                            rtol=1e-12)
        if not spec.parents:
            assert_allclose(float(row.do_low), float(row.observe_low), rtol=1e-12)
            assert_allclose(row.effect_ci.values, row.observed_effect_ci.values, rtol=1e-12)
            assert "root" in str(row.backdoor.values)
    ranks = ds["rank"].values
    assert sorted(ranks) == list(range(1, len(ranks) + 1))
    assert np.all(np.diff(np.abs(ds.effect.values)) <= 0)
    assert np.all((ds.rank_stability >= 0) & (ds.rank_stability <= 1))
    assert_allclose(float(ds.p_top.sum()), 1.0)


def _brute_shapley(a, b, target, players):
    def value(coalition):
        net = a
        for node in coalition:
            net = net.with_cpt(node, np.asarray(b.cpts[node]))
        p = posterior(net, target)["yes"]
        return math.log(p / (1 - p))

    phi = dict.fromkeys(players, 0.0)
    perms = list(itertools.permutations(players))
    for perm in perms:
        for j, node in enumerate(perm):
            phi[node] += value(perm[:j + 1]) - value(perm[:j])
    return {n: v / len(perms) for n, v in phi.items()}


def test_shapley_exact_matches_brute_force_and_sums_to_the_total():
    a = load_network("carlsmith_2021", "carlsmith")
    b = load_network("carlsmith_2021", "superforecasters_2023")
    ds = worldview_shapley(a, b, "catastrophe")
    players = [str(n) for n in ds.node.values]
    brute = _brute_shapley(a, b, "catastrophe", players)
    for node in players:
        assert_allclose(float(ds.contribution.sel(node=node)), brute[node], rtol=1e-9)
    pa, pb = posterior(a, "catastrophe")["yes"], posterior(b, "catastrophe")["yes"]
    total = math.log(pb / (1 - pb)) - math.log(pa / (1 - pa))
    assert_allclose(ds.attrs["total"], total, rtol=1e-12)
    assert_allclose(float(ds.contribution.sum()), total, rtol=1e-12)


def test_shapley_sampled_orders_sum_exactly_and_approach_exact_values():
    a = load_network("crux_network", "gs_deference")
    b = load_network("crux_network", "carlsmith_ai4ais")
    ev = Evidence(hard={"deception_demonstrated": "yes"})
    exact = worldview_shapley(a, b, "catastrophe", evidence=ev, exact_max=30)
    sampled = worldview_shapley(a, b, "catastrophe", evidence=ev, exact_max=0,
                                permutations=400, seed=5)
    assert exact.attrs["method"].endswith("(exact)")
    for ds in (exact, sampled):
        assert_allclose(float(ds.contribution.sum()), ds.attrs["total"], rtol=1e-10)
    both = sampled.contribution.sel(node=exact.node.values)
    assert_allclose(both.values, exact.contribution.values,
                    atol=0.05 * abs(exact.attrs["total"]))


def test_sensitivity_bad_input_is_one_clear_error():
    net = load_network("crux_network", "gs_deference")
    with pytest.raises(SensitivityError, match=r"unknown target node 'catastrophy'.*catastrophe"):
        Question(net, "catastrophy")
    with pytest.raises(SensitivityError, match="unknown state 'maybe' of catastrophe"):
        Question(net, "catastrophe", "maybe")
    with pytest.raises(SensitivityError, match="unknown node 'schemin'"):
        node_swings(Question(net, "catastrophe", draws=0), ["schemin"])
    with pytest.raises(SensitivityError, match="unknown lever 'pause'"):
        lever_effects(Question(net, "catastrophe", draws=0), ["pause"])
    with pytest.raises(SensitivityError, match="different models"):
        worldview_shapley(net, load_network("carlsmith_2021"), "catastrophe")
    with pytest.raises(SensitivityError, match="already in the evidence"):
        node_swings(Question(net, "catastrophe", evidence=Evidence(hard={"scheming": "yes"}),
                             draws=0), ["scheming"])
    with pytest.raises(SensitivityError, match="fixed marginals"):
        sensitivity_functions(Question(net, "catastrophe", evidence=Evidence(
            fixed={"lead_time": (0.1, 0.6, 0.1, 0.1, 0.1)}), draws=0))


def test_sobol_indices_of_a_product_chain_match_the_closed_form():
    net = load_network("carlsmith_2021", "carlsmith")
    ds = sobol_indices(Question(net, "catastrophe", seed=4), samples=2048)
    # Independent Beta(m e, (1 - m) e) premises, e = 10 (the worldview's default_ess).
    m = np.array([_premise(net, n) for n in CHAIN])
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


@pytest.mark.parametrize("worldview,threshold,hard", [
    ("gs_deference", 0.25, {}), ("human_labor_first", 0.7, {"lead_time": "over_2y"}),
    ("karnofsky_playbook", 0.5, {})])
def test_smallest_belief_change_lands_exactly_on_the_threshold(worldview, threshold, hard):
    net = load_network("crux_network", worldview)
    ev = Evidence(hard=hard)
    q = Question(net, "catastrophe", evidence=ev, draws=0)
    ds = smallest_belief_change(q, threshold)
    crossing = ds.where(np.isfinite(ds["shift"]), drop=True)
    assert crossing.sizes["node"] >= 1
    for node in crossing.node.values[:4]:
        row = crossing.sel(node=node)
        spec = net.spec.node(str(node))
        x = spec.states.index(str(row.state.values))
        lam = float(row["shift"])
        cpt = np.asarray(net.cpts[str(node)])
        onehot = np.eye(spec.card)[x]
        mixed = net.with_cpt(str(node), (1 - lam) * cpt + lam * onehot)
        assert_allclose(posterior(mixed, "catastrophe", ev)["yes"], threshold, rtol=1e-9)
        # A smaller shift towards that state does not reach the threshold (it is the smallest).
        less = net.with_cpt(str(node), (1 - 0.98 * lam) * cpt + 0.98 * lam * onehot)
        base = posterior(net, "catastrophe", ev)["yes"]
        p_less = posterior(less, "catastrophe", ev)["yes"]
        assert (p_less - threshold) * (base - threshold) > 0
    with pytest.raises(SensitivityError, match=r"strictly between 0 and 1, got 1\.5"):
        smallest_belief_change(q, 1.5)


def test_decisive_observations_sum_the_states_that_cross():
    net = load_network("crux_network", "gs_deference")
    q = Question(net, "catastrophe", draws=0)
    tau = 0.3
    ds = decisive_observations(q, tau, ["scheming", "lead_time", "alignment_difficulty"])
    base = posterior(net, "catastrophe")["yes"]
    for node in ds.node.values:
        node = str(node)
        p_node = posterior(net, node).probs
        expect = sum(p for s, p in zip(net.spec.node(node).states, p_node, strict=True)
                     if (posterior(net, "catastrophe", Evidence(hard={node: s}))["yes"] >= tau)
                     != (base >= tau))
        assert_allclose(float(ds.p_cross.sel(node=node)), expect, rtol=1e-12)
    for bad in (0, 1, -0.2, "0.1", float("nan")):
        with pytest.raises(SensitivityError, match="threshold must be"):
            decisive_observations(q, bad)


def test_lint_finds_broken_zeros_orders_overconfidence_and_stated_gaps(tmp_path):
    net = load_network("crux_network", "gs_deference")
    assert lint_worldview(net, draws=0).errors == 0
    gi = np.asarray(net.cpts["good_initialization"]).copy()
    s_axis = net.spec.node("good_initialization").parents.index("scheming")
    leak = np.moveaxis(gi, s_axis, 0)
    leak[1] = [0.9, 0.1]  # P(good_initialization=yes | scheming=yes) = 0.1
    sch = np.asarray(net.cpts["scheming"]).copy()
    o_axis = net.spec.node("scheming").parents.index("deference_timing")
    sch = np.flip(sch, axis=o_axis)  # deferring later now lowers scheming
    bad = net.with_cpt("good_initialization", np.moveaxis(leak, 0, s_axis)) \
        .with_cpt("scheming", sch)
    rep = lint_worldview(bad, draws=0)
    kinds = {(f.kind, f.node, f.severity) for f in rep.findings}
    assert ("structural-zero", "good_initialization", "error") in kinds
    assert ("monotonicity", "scheming", "error") in kinds
    zero = next(f for f in rep.findings if f.kind == "structural-zero")
    assert "P(good_initialization=yes | scheming=yes) must be 0" in zero.message
    assert "0.1" in zero.message
    assert rep.to_xarray().sizes["finding"] == len(rep.findings)

    wv_dir = tmp_path / "wv"
    wv_dir.mkdir()
    src = (Path(__file__).parents[1] / "cruxnet/priors/worldviews/carlsmith_2021/carlsmith.yaml")
    (wv_dir / "firm.yaml").write_text(src.read_text().replace("default_ess: 10",
                                                               "default_ess: 1000")
                                      .replace("worldview: carlsmith", "worldview: firm"))
    firm = load_network("carlsmith_2021", wv_dir / "firm.yaml")
    over = [f for f in lint_worldview(firm, draws=0).findings if f.kind == "overconfident"]
    assert sorted(f.node for f in over) == sorted(CHAIN)

    sf = load_network("carlsmith_2021", "superforecasters_2023")
    (finding,) = lint_worldview(sf, draws=0).findings
    implied = posterior(sf, "catastrophe")["yes"]
    assert finding.kind == "stated-marginal" and f"{implied:.4g}" in finding.message


def test_lint_reports_draws_that_break_a_declared_order():
    # Rows drawn independently (ordered_draws: false) reorder often; check the share directly.
    import dataclasses

    base = load_network("crux_network", "gs_deference")
    net = dataclasses.replace(base, prior=dataclasses.replace(base.prior, ordered_draws=False))
    rep = lint_worldview(net, draws=500, seed=1, draw_tolerance=0.0)
    warned = {f.node for f in rep.findings if f.kind == "monotonicity"}
    # Independent Dirichlet rows of the tax table reorder often; check the share directly.
    from cruxnet.priors.draws import WorldviewDraws
    from cruxnet.sensitivity.lint import _dominance_breaks

    src = WorldviewDraws(net.spec, net.prior, 500, 1)
    tax = np.moveaxis(src.block("deference_goodness_tax", 0, 500), 1, -2)
    share = _dominance_breaks(tax, True).reshape(500, -1).any(axis=1).mean()
    assert 0 < share < 1 and "deference_goodness_tax" in warned
    msg = next(f.message for f in rep.findings if f.node == "deference_goodness_tax")
    assert f"{share:.0%} of 500" in msg


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
        for label, kinds in _layout(net.spec, prior.cpts[node], node, None, prior.file):
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
                node, src.values(s, e, c0, c1), None, (None, node)))
            direct = impose_orderings(net.spec, node, direct)  # as every draw source does
            assert_allclose(src.block(node, s, e), direct, rtol=0, atol=1e-15)


@pytest.mark.parametrize("evidence", [
    Evidence(),
    Evidence(hard={"lead_time": "to_6mo"}, likelihood={"scheming": (1.0, 3.0)}),
    Evidence(do={"capability_restraint": "hold"}, hard={"deception_demonstrated": "yes"}),
])
def test_gradient_conditionals_equal_one_query_per_state(evidence):
    from cruxnet.sensitivity.common import _conditionals_by_queries, all_conditionals

    net = load_network("crux_network", "carlsmith_ai4ais")
    q = Question(net, "catastrophe", evidence=evidence, draws=300, seed=5)
    nodes = ["scheming", "alignment_difficulty", "elicitation_success", "good_initialization",
             "misaligned_takeover"]
    nodes = [n for n in nodes if n not in evidence.nodes()]
    fast = all_conditionals(q, nodes)
    for node in nodes:
        slow = _conditionals_by_queries(q, node)
        for field in ("p_node", "target_given", "p_node_draws", "target_given_draws"):
            assert_allclose(getattr(fast[node], field), getattr(slow, field), rtol=1e-9,
                            atol=1e-12, equal_nan=True, err_msg=f"{node} {field}")


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


@pytest.mark.parametrize("evidence", [
    Evidence(), Evidence(hard={"deception_demonstrated": "yes"},
                         likelihood={"scheming": (1.0, 2.0)})])
def test_lever_values_from_gradients_equal_one_query_each(evidence):
    from cruxnet.sensitivity.levers import _values_by_gradients, _values_by_queries

    net = load_network("crux_network", "karnofsky_playbook")
    q = Question(net, "catastrophe", evidence=evidence, draws=200, seed=3)
    levers = ["capability_restraint", "standards_monitoring", "infosec_strong"]
    fast, slow = _values_by_gradients(q, levers), _values_by_queries(q, levers)
    for lever in levers:
        for key, (point, draws) in slow[lever].items():
            assert_allclose(fast[lever][key][0], point, rtol=1e-10, err_msg=f"{lever} {key}")
            assert_allclose(fast[lever][key][1], draws, rtol=1e-10, err_msg=f"{lever} {key}")


def test_fixed_marginals_that_cannot_hold_with_a_state_give_nan_not_an_abort():
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(fixed={"scheming": (0.3, 0.7)})
    q = Question(net, "catastrophe", evidence=ev, draws=50, seed=1)
    ds = node_swings(q, ["good_initialization", "lead_time"])
    # good_initialization = yes rules out scheming = yes, so the marginal cannot hold there.
    row = ds.sel(node="good_initialization")
    assert str(row.low_state.values) == str(row.high_state.values) == "no"
    assert_allclose(float(row.high), posterior(net, "catastrophe", Evidence(
        hard={"good_initialization": "no"}, fixed={"scheming": (0.3, 0.7)}))["yes"], rtol=1e-9)
    assert np.isfinite(ds.swing.sel(node="lead_time"))
