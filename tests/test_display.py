"""Rich display (issue 16, item 2): short reprs, HTML tables for Jupyter with every file text
escaped, labelled CPTs, described sensitivity variables, and figures that show themselves."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cruxnet import Evidence, load_network, posterior, posterior_draws
from cruxnet.sensitivity import (
    Question,
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

TRICKY_MODEL = """\
model: tricky
title: A <b>bold</b> model
default_worldview: base
nodes:
  - {id: a, label: "<script>alert('x')</script>", states: [no, yes]}
  - {id: b, states: [no, yes], parents: [a], role: outcome}
"""
TRICKY_WORLDVIEW = """\
worldview: base
model: tricky
default_ess: 10
cpts:
  a: {form: table, p: 0.3}
  b: {form: table, rows: {no: [0.9, 0.1], yes: [0.4, 0.6]}}
"""


@pytest.fixture(scope="module")
def net():
    return load_network("crux_network", "karnofsky_playbook")


def test_network_repr_html_and_labelled_cpts(net, tmp_path) -> None:
    r = repr(net)
    assert len(r) < 120 and "karnofsky_playbook" in r and "nodes=31" in r and "edges=68" in r
    html = net._repr_html_()
    for node in net.spec.node_ids:
        assert f">{node}<" in html
    for node in ("scheming", "lead_time", "catastrophe"):
        t = net.cpt(node)
        spec = net.spec.node(node)
        assert t.dims == (*spec.parents, node)
        assert np.array_equal(t.values, np.asarray(net.cpts[node]))
        assert [list(t[d].values) for d in t.dims] == [list(net.spec.node(d).states)
                                                        for d in t.dims]
    (tmp_path / "tricky.yaml").write_text(TRICKY_MODEL)
    (tmp_path / "base.yaml").write_text(TRICKY_WORLDVIEW)
    tricky = load_network(tmp_path / "tricky.yaml")
    html = tricky._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>bold" not in html


def test_results_show_their_numbers(net) -> None:
    ev = Evidence(hard={"scheming": "no"})
    post = posterior(net, "catastrophe", ev)
    assert repr(post) == (f"Posterior(P(catastrophe | scheming=no): no {post['no']:.4g}, "
                          f"yes {post['yes']:.4g})")
    assert f"{post['yes']:.4f}" in post._repr_html_()
    draws = posterior_draws(net, "catastrophe", ev, draws=500, seed=2)
    s = draws.summary()
    assert len(repr(draws)) < 200 and f"{draws.probs[:, 1].mean():.3f}" in repr(draws)
    lo, hi = s.interval["yes"]
    assert f"[{lo:.4f}, {hi:.4f}]" in s._repr_html_() == draws._repr_html_()
    rep = lint_worldview(net)
    assert rep.worldview in repr(rep) and "checked" in rep._repr_html_()


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


def test_figures_show_themselves(net) -> None:
    from cruxnet.figure import Figure
    from cruxnet.sensitivity.plots import plot_tornado

    fig = plot_tornado(node_swings(Question(net, "catastrophe", draws=0)))
    assert isinstance(fig, Figure)
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (w, h) == tuple(round(x * 100) for x in fig.get_size_inches())
    assert re.match(r"<Figure size", repr(fig))  # still a plain matplotlib Figure
