"""Rich display (issue 16, item 2): short reprs, HTML tables for Jupyter with every file text
escaped, and labelled CPTs. (Described sensitivity variables:
tests/unit/sensitivity/test_common.py; figures that show themselves: tests/unit/test_figure.py.)"""

from __future__ import annotations

import numpy as np
from support.models import write_tricky

from cruxnet import Evidence, load_network, posterior, posterior_draws
from cruxnet.sensitivity import (
    lint_worldview,
)


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
    tricky = load_network(write_tricky(tmp_path))
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
