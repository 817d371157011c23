"""Worldview files: the tiny model's answer by hand, every mistake named on one line with the
file, and a person's file that extends a bundled worldview (``set:``, ``marginals:``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.errors import error_message
from support.models import TINY_WORLDVIEW as WORLDVIEW
from support.models import write_tiny

from cruxnet import SpecError, load_network, posterior
from cruxnet.inference.marginals import with_stated_marginals


def test_the_valid_tiny_model_loads_and_answers(tmp_path: Path) -> None:
    net = load_network(write_tiny(tmp_path))
    # Hand-derived: P(c=yes) = sum_a,b P(a) P(b|a) logistic(logit(base_a) + log OR_b)
    import math

    def lg(p: float, r: float) -> float:
        o = p / (1 - p) * r
        return o / (1 + o)

    pa = {"no": 0.7, "yes": 0.3}
    pb = {"no": [0.5, 0.3, 0.2], "yes": [0.1, 0.3, 0.6]}
    base = {"no": 0.2, "yes": 0.6}
    expected = math.fsum(pa[a] * pb[a][i] * lg(base[a], r) for a in pa
                         for i, r in enumerate([1, 2, 4]))
    assert posterior(net, "c")["yes"] == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(("worldview", "needle"), [
    (WORLDVIEW.replace("[0.5, 0.3, 0.2]", "[0.5, 0.3, 0.1]"), "node b: rows[a=no]"),
    (WORLDVIEW.replace("[0.5, 0.3, 0.2]", "[0.5, 0.3, 0.1]"), "sum to 0.9"),
    (WORLDVIEW.replace("p: 0.3}", "p: 1.3}"), "node a: p: probability 1.3 is outside [0, 1]"),
    (WORLDVIEW.replace("p: 0.3}", "p: 0.3, ess: 0}"), "node a: effective sample size must be > 0"),
    (WORLDVIEW.replace("p: 0.3}", "p: {mean: 0.3, ess: -2}}"), "must be > 0, got -2"),
    (WORLDVIEW.replace("{no: 0.2, yes: 0.6}", "{no: 0.2, maybe: 0.6}"),
     "unknown state 'maybe' of a"),
    (WORLDVIEW.replace("odds_ratios: {b:", "odds_ratios: {zz:"), "'zz' is not a parent of c"),
    (WORLDVIEW.replace("{mid: 2, high: 4}", "{mid: 2, high: -4}"), "ratio must be > 0"),
    (WORLDVIEW.replace("form: logit_additive", "form: magic"), "unknown form 'magic'; allowed: "),
    (WORLDVIEW.replace("form: logit_additive", "form: logit_additive\n    ess: 5"),
     "unknown key 'ess' for form 'logit_additive'"),
    (WORLDVIEW.replace("  a: {form: table, p: 0.3}\n", ""), "gives no CPT for node 'a'"),
    (WORLDVIEW + "  d: {form: table, p: 0.5}\n", "'d', which is not a node of model tiny"),
    (WORLDVIEW.replace("model: tiny", "model: other"), "for model 'other', not 'tiny'"),
    (WORLDVIEW.replace("cpts:", "cpts:\n  a: {form: table, p: 0.5}"), "duplicate key 'a'"),
    (WORLDVIEW.replace("rows: {no: [0.5, 0.3, 0.2], ", "rows: {"), "no CPT row for a=no"),
    (WORLDVIEW.replace("    form: table\n    rows:", "    form: table\n    by: 0.5\n    rows:"),
     "node b: 'by' must name a parent or list parents, got 0.5"),
    (WORLDVIEW.replace("{mid: 2, high: 4}", "{mid: {mean: 2}, high: 4}"),
     "'mean'/'ess' is for probabilities"),
    (WORLDVIEW.replace("model: tiny", "model: tiny\ndefault_sd_log: -1"),
     "default_sd_log must be a number > 0, got -1"),
    (WORLDVIEW + "stated: {z: {yes: 0.1}}\n", "stated: 'z' is not a node of model tiny"),
    (WORLDVIEW + "stated: {c: {maybe: 0.1}}\n", "node c: stated: unknown state 'maybe' of c"),
    (WORLDVIEW + "stated: {c: {yes: 1.5}}\n", "P(c=yes) must be a probability in [0, 1], got 1.5"),
    (WORLDVIEW + "stated: {b: {low: 0.7, high: 0.6}}\n", "probabilities of b sum to 1.3 > 1"),
    (WORLDVIEW + "stated: [c]\n", "'stated' must map nodes"),
])
def test_bad_worldview_files(tmp_path: Path, worldview: str, needle: str) -> None:
    path = write_tiny(tmp_path, worldview=worldview)
    msg = error_message(SpecError, load_network, path)
    assert "base.yaml" in msg
    assert needle in msg


# A person's file (issue 15, item 3): extends a bundled worldview by name from anywhere
# on disk.
def _write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_personal_file_extends_sets_and_states(tmp_path) -> None:
    import textwrap

    from cruxnet.catalog import resolve_worldview

    mine = _write(tmp_path / "mine.yaml", textwrap.dedent("""\
        worldview: my_view
        model: crux_network
        extends: gs_deference
        set:
          scheming.odds_ratios.deference_timing.late: 4
          bgd_exists.rows.hard: 0.3
        marginals:
          lead_time: {under_2wk: 0.3, about_1mo: 0.3, to_6mo: 0.2, to_2y: 0.1, over_2y: 0.1}
        """))
    net = load_network("crux_network", mine)
    base = load_network("crux_network", "gs_deference")
    # The same changes by another route: whole entries replaced in a copy of the base's entry.
    import copy

    import yaml
    raw = yaml.safe_load(resolve_worldview(__import__("cruxnet").catalog.load_model(
        "crux_network"), "gs_deference").read_text())
    sch = copy.deepcopy(raw["cpts"]["scheming"])
    sch["odds_ratios"]["deference_timing"]["late"] = 4
    bgd = copy.deepcopy(raw["cpts"]["bgd_exists"])
    bgd["rows"]["hard"] = 0.3
    whole = _write(tmp_path / "whole.yaml", yaml.safe_dump({
        "worldview": "whole", "model": "crux_network", "extends": "gs_deference",
        "cpts": {"scheming": sch, "bgd_exists": bgd}}))
    other = with_stated_marginals(load_network("crux_network", whole),
                                  {"lead_time": [0.3, 0.3, 0.2, 0.1, 0.1]})
    for node in net.spec.node_ids:
        assert_allclose(np.asarray(net.cpts[node]), np.asarray(other.cpts[node]), atol=1e-13)
    assert not np.allclose(np.asarray(net.cpts["scheming"]), np.asarray(base.cpts["scheming"]))
    assert net.provenance["base"] == "gs_deference"
    assert "scheming.odds_ratios.deference_timing.late: 3 -> 4" in net.provenance["overrides"]
    assert "bgd_exists.rows.hard: 0.45 -> 0.3" in net.provenance["overrides"]
    assert [o.kind for o in net.prior.overrides] == ["parameter", "parameter", "marginal"]
    # A plain number over a parameter written with its uncertainty keeps the uncertainty.
    assert any(p.dist == "lognormal" for _, p in net.prior.cpts["scheming"].params(net.spec))


@pytest.mark.parametrize(("text", "needle"), [
    ("extends: gs_deferenc\n", "bundled: carlsmith_ai4ais, gs_deference"),
    ("extends: gs_deference\nset: {scheming.odds_ratios.deference_timing.later: 4}\n",
     "its parameters: scheming.base.values.easy"),
    ("extends: gs_deference\nset: {scheming: 4}\n", "names a whole node"),
    ("extends: gs_deference\nmarginals: {scheming: {maybe: 0.1}}\n", "unknown state 'maybe'"),
    ("extends: gs_deference\nmarginals: {scheming: {yes: {mean: 0.1, ess: 5}, "
     "no: {mean: 0.9, ess: 9}}}\n", "one: give it for one state"),
    ("extends: ../elsewhere/none.yaml\n", "names no file"),
])
def test_personal_file_mistakes_are_named(tmp_path, text: str, needle: str) -> None:
    from cruxnet.base.errors import SpecError

    f = _write(tmp_path / "mine.yaml", "worldview: me\nmodel: crux_network\n" + text)
    with pytest.raises(SpecError, match=None) as exc:
        load_network("crux_network", f)
    assert needle in str(exc.value) and str(f) in str(exc.value)


def test_unreachable_marginal_in_a_file_names_the_file(tmp_path) -> None:
    from cruxnet.base.errors import SpecError

    # good_initialization is structurally "no" for schemers: P(yes) cannot exceed P(no
    # scheming) by scaling its rows, so 99% is out of reach under gs_deference.
    f = _write(tmp_path / "w.yaml", "worldview: me\nmodel: crux_network\nextends: gs_deference\n"
               "marginals: {good_initialization: {'yes': 0.99}}\n")
    with pytest.raises(SpecError, match="cannot be reached") as exc:
        load_network("crux_network", f)
    assert "w.yaml" in str(exc.value) and "good_initialization" in str(exc.value)


def test_a_personal_file_without_its_model_says_so(tmp_path) -> None:
    """'extends:' without 'model:' names the missing line, not 'model None'."""
    from cruxnet.catalog import load_network as load

    path = tmp_path / "mine.yaml"
    path.write_text("worldview: mine\nextends: gs_deference\nmarginals: {scheming: {yes: 0.08}}\n")
    with pytest.raises(SpecError, match=r"mine\.yaml: 'extends: gs_deference' needs the model"):
        load("crux_network", path)
    path.write_text("worldview: mine\n")
    with pytest.raises(SpecError, match=r"needs a 'model: NAME' entry \(here: model: "
                                        r"crux_network\)"):
        load("crux_network", path)
