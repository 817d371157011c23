"""``cruxnet describe``: where a person learns what they can set. Every path it lists is one a
personal worldview's ``set:`` and an elicitation record accept, and its numbers are the
engine's."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import yaml
from numpy.testing import assert_allclose

from cruxnet import load_network, posterior
from cruxnet.views.describe import describe_node, describe_nodes


@pytest.mark.parametrize("worldview", ["gs_deference", "human_labor_first"])
def test_every_listed_path_is_settable(tmp_path, worldview: str) -> None:
    """Setting every listed parameter to a nudged value through ``set:`` changes that node's
    table and no other; setting it to its own value changes nothing."""
    net = load_network("crux_network", worldview)
    nodes = describe_nodes(net)
    same: dict[str, object] = {}
    for d in nodes:
        for p in d["parameters"]:
            same[p["path"]] = p["value"]
    f = tmp_path / "same.yaml"
    f.write_text(yaml.safe_dump({"worldview": "same", "model": "crux_network",
                                 "extends": worldview, "set": same}))
    again = load_network("crux_network", f)
    for node in net.spec.node_ids:
        assert np.array_equal(np.asarray(again.cpts[node]), np.asarray(net.cpts[node])), node
    assert len(again.prior.overrides) == len(same) > 60
    # Nudge one scalar parameter per node that has one: only that node's table moves.
    for d in nodes:
        scalars = [p for p in d["parameters"] if isinstance(p["value"], (int, float))
                   and 0 < p["value"] < 1]
        if not scalars or d["form"] in ("gate", "binned_product"):
            continue
        p = scalars[0]
        g = tmp_path / "nudge.yaml"
        g.write_text(yaml.safe_dump({"worldview": "nudge", "model": "crux_network",
                                     "extends": worldview,
                                     "set": {p["path"]: round(p["value"] * 0.9, 6)}}))
        nudged = load_network("crux_network", g)
        changed = [n for n in net.spec.node_ids
                   if not np.array_equal(np.asarray(nudged.cpts[n]), np.asarray(net.cpts[n]))]
        assert changed == [d["node"]], (p["path"], changed)


def test_description_matches_the_model_and_the_engine() -> None:
    net = load_network("crux_network", "karnofsky_playbook")
    for node in ("scheming", "lead_time", "deference_timing", "catastrophe"):
        d = describe_node(net, node)
        spec = net.spec.node(node)
        assert d["states"] == list(spec.states)
        assert [p["parent"] for p in d["parents"]] == list(spec.parents)
        reasons = {e.parent: " ".join(e.reason.split()) for e in spec.edges}
        assert all(p["reason"] == reasons.get(p["parent"], "") for p in d["parents"])
        assert_allclose(list(d["marginal"].values()), posterior(net, node).probs, atol=0)
        assert d["form"] == net.prior.cpts[node].kind


def test_cli_describe_text_json_and_mistakes() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cruxnet", "describe", *args],
                              capture_output=True, text=True, timeout=120, check=False)

    out = run("scheming", "-w", "carlsmith_ai4ais", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["node"] == "scheming" and d["worldview"] == "carlsmith_ai4ais"
    assert any(p["path"] == "scheming.odds_ratios.deference_timing.late"
               for p in d["parameters"])
    text = run("lead_time")
    assert text.returncode == 0
    assert "lead_time.shifts.0.p" in text.stdout and "(when infosec_strong=yes, up)" in text.stdout
    assert "marginal now: under_2wk" in text.stdout
    everything = run("--json")
    assert len(json.loads(everything.stdout)) == 31
    bad = run("schemin")
    assert bad.returncode == 2 and bad.stderr.startswith("cruxnet: error: ")
    assert "did you mean 'scheming'" in bad.stderr and bad.stderr.count("\n") == 1


def test_a_network_file_shows_its_table_rows() -> None:
    from support.oracles import bnlearn_path

    net = load_network(bnlearn_path("asia"))
    d = describe_node(net, "tub")
    assert not d["worldview_file"]
    rows = {p["path"]: p["value"] for p in d["parameters"]}
    assert rows == {f"given asia={s}": np.asarray(net.cpts["tub"])[i].tolist()
                    for i, s in enumerate(net.spec.node("asia").states)}
