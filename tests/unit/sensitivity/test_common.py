"""What the analyses share (the question, its draws and conditionals, the candidate nodes): bad
input named once, outcomes left out of rankings unless asked, conditionals from gradients equal
to one query per state, stated marginals in the shared draws, every result variable
described."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from cruxnet import Evidence, load_network
from cruxnet.inference.marginals import with_stated_marginals
from cruxnet.sensitivity import (
    Question,
    SensitivityError,
    decisive_observations,
    lever_effects,
    node_swings,
    sensitivity_functions,
    smallest_belief_change,
    sobol_indices,
    value_of_information,
    worldview_shapley,
)


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


# Issue 14 (the crux network v0.2), R8.
def test_rankings_leave_out_outcomes_unless_asked() -> None:
    net = load_network("crux_network", "gs_deference")
    q = Question(net, "catastrophe", draws=0)
    outcomes = {n.id for n in net.spec.nodes if n.role == "outcome"}
    tornado = node_swings(q)
    assert not outcomes & set(map(str, tornado.node.values))
    assert net.spec.node(str(tornado.node.values[0])).role != "outcome"
    assert not outcomes & set(map(str, value_of_information(q).node.values))
    assert not outcomes & set(map(str, smallest_belief_change(q, 0.2).node.values))
    assert not outcomes & set(map(str, decisive_observations(q, 0.2).node.values))
    back = node_swings(q, include_outcomes=True)
    assert outcomes - {"catastrophe"} <= set(map(str, back.node.values))
    assert (set(map(str, value_of_information(q, include_outcomes=True).node.values))
            >= outcomes - {"catastrophe"})


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


def test_sensitivity_draws_use_the_stated_marginals() -> None:
    """The analyses' shared parameter draws (Question.parameters) hold the marginals too."""
    from cruxnet.sensitivity import Question

    net = load_network("crux_network", "gs_deference")
    mine = with_stated_marginals(net, {"scheming": {"yes": {"mean": 0.08, "ess": 40}}})
    q = Question(mine, "catastrophe", "yes", draws=300, seed=2)
    p = q.draws_of("scheming", Evidence())[:, 1]
    from cruxnet.draws.marginal import draw_marginal

    assert_allclose(p, draw_marginal(mine.marginals["scheming"], 2, 0, 300, 300)[:, 1],
                    atol=1e-11)


def test_every_sensitivity_variable_is_described(net) -> None:
    q = Question(net, "catastrophe", draws=100, seed=0)
    other = load_network("crux_network", "gs_deference")
    results = [node_swings(q), value_of_information(q), sobol_indices(q, samples=32),
               lever_effects(q), worldview_shapley(net, other, "catastrophe"),
               smallest_belief_change(q, 0.3), decisive_observations(q, 0.3),
               sensitivity_functions(q)]
    for ds in results:
        missing = [str(v) for v in ds.data_vars if not ds[v].attrs.get("description")]
        assert not missing, (ds.attrs.get("method"), missing)
