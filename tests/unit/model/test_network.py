"""The network object: nothing mutates it (queries, do(), evidence builders, with_cpt), and its
show() and explore() are cruxnet.show and cruxnet.explore."""

from __future__ import annotations

import numpy as np

from cruxnet import Evidence, load_network, posterior


def test_nothing_mutates_the_network() -> None:
    net = load_network("crux_network", "gs_deference")
    before = {k: v.copy() for k, v in net.cpts.items()}
    parents = net.spec.node("capability_restraint").parents
    ev = Evidence(hard={"lead_time": "to_6mo"}, do={"capability_restraint": "pause"},
                  fixed={"scheming": (0.5, 0.5)}, likelihood={"takeoff_speed": (1, 2, 3)})
    posterior(net, "catastrophe", ev)
    cut = net.do({"capability_restraint": "pause"})
    assert cut is not net and cut.spec.node("capability_restraint").parents == ()
    assert net.spec.node("capability_restraint").parents == parents
    for k, v in net.cpts.items():
        np.testing.assert_array_equal(v, before[k])
        assert not v.flags.writeable
    # Evidence builders return new objects and leave the original as it was.
    ev2 = ev.observe(scheming="yes")
    assert "scheming" not in ev.hard and ev2.hard["scheming"] == "yes"
    assert net.with_cpt("scheming", np.array(net.cpts["scheming"])) is not net


def test_show_and_explore_are_methods_of_the_network() -> None:
    """net.show() and net.explore() are cruxnet.show and cruxnet.explore (registered by the
    layers that draw them)."""
    from cruxnet import explore, load_network, show

    net = load_network("carlsmith_2021")
    assert net.show({"incentives": "yes"}).svg == show(net, {"incentives": "yes"}).svg
    a, b = net.explore(draws=20), explore(net, draws=20)
    assert a.data == b.data and a.html == b.html
