"""Every kind of bad input gets a one-line error naming the file, node and value."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cruxnet import Evidence, EvidenceError, ImpossibleEvidenceError, SpecError, posterior
from cruxnet.catalog import load_network
from cruxnet.models.spec import load_model_spec

MODEL = """\
model: tiny
default_worldview: base
nodes:
  - {id: a, states: [no, yes]}
  - {id: b, states: [low, mid, high], parents: [a]}
  - {id: c, states: [no, yes], parents: [a, b]}
"""

WORLDVIEW = """\
worldview: base
model: tiny
cpts:
  a: {form: table, p: 0.3}
  b:
    form: table
    rows: {no: [0.5, 0.3, 0.2], yes: [0.1, 0.3, 0.6]}
  c:
    form: logit_additive
    base: {by: a, values: {no: 0.2, yes: 0.6}}
    odds_ratios: {b: {mid: 2, high: 4}}
"""


def _files(tmp_path: Path, model: str = MODEL, worldview: str = WORLDVIEW) -> Path:
    (tmp_path / "tiny.yaml").write_text(textwrap.dedent(model))
    (tmp_path / "base.yaml").write_text(textwrap.dedent(worldview))
    return tmp_path / "tiny.yaml"


def _error(exc_type: type[Exception], fn, *args, **kw) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(exc_type) as info:
        fn(*args, **kw)
    msg = str(info.value)
    assert "\n" not in msg, msg
    return msg


def test_the_valid_tiny_model_loads_and_answers(tmp_path: Path) -> None:
    net = load_network(_files(tmp_path))
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


@pytest.mark.parametrize(("model", "needle"), [
    (MODEL.replace("parents: [a]}", "parents: [a, c]}"), "cycle: "),
    (MODEL.replace("parents: [a]}", "parents: [z]}"), "parent 'z' is not a node"),
    (MODEL.replace("  - {id: c,", "  - {id: b, states: [x, y]}\n  - {id: c,"),
     "node b: duplicate node id"),
    (MODEL.replace("[low, mid, high]", "[low, mid, low]"), "duplicate state 'low'"),
    (MODEL.replace("{id: a, states: [no, yes]}", "{id: a, states: [only]}"), "node a"),
    (MODEL.replace("{id: a, states: [no, yes]}", "{id: a, states: [no, yes], role: boss}"),
     "role 'boss'"),
    ("model: tiny\nnodes:\n  - {id: a, states: [no, yes]\n", "line 4"),
    ("", "empty file"),
    (MODEL.replace("default_worldview:", "defualt_worldview:"), "unknown key 'defualt_worldview'"),
    (MODEL.replace("parents: [a]}", "parents: [{node: []}]}"), "a parent's 'node' must be"),
    (MODEL.replace("parents: [a]}", "parents: [a], expect: {increases_with: [c]}}"),
     "node b: expect.increases_with: 'c' is not a parent of b (parents: a)"),
    (MODEL.replace("parents: [a]}", "parents: [a], expect: {rises_with: [a]}}"),
     "unknown key 'rises_with' in 'expect'"),
    (MODEL.replace("parents: [a]}", "parents: [a], expect: {impossible: [{when: {a: maybe}, "
                   "state: low}]}}"), "node b: expect.impossible: unknown state 'maybe' of a"),
    (MODEL.replace("parents: [a]}", "parents: [a], expect: {impossible: [{when: {a: yes}, "
                   "state: huge}]}}"), "unknown state 'huge' of b"),
    (MODEL.replace("parents: [a]}", "parents: [a], expect: {impossible: [a]}}"),
     "needs 'when: {parent: state}' and 'state'"),
])
def test_bad_model_files(tmp_path: Path, model: str, needle: str) -> None:
    path = _files(tmp_path, model=model)
    msg = _error(SpecError, load_model_spec, path)
    assert str(path) in msg
    assert needle in msg


def test_cycle_message_names_the_cycle(tmp_path: Path) -> None:
    model = MODEL.replace("{id: a, states: [no, yes]}", "{id: a, states: [no, yes], parents: [c]}")
    msg = _error(SpecError, load_model_spec, _files(tmp_path, model=model))
    assert "a -> " in msg and "c" in msg


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
    path = _files(tmp_path, worldview=worldview)
    msg = _error(SpecError, load_network, path)
    assert "base.yaml" in msg
    assert needle in msg


def test_hand_rounded_rows_pass_only_with_normalize(tmp_path: Path) -> None:
    rounded = WORLDVIEW.replace("[0.5, 0.3, 0.2]", "[0.33, 0.33, 0.33]")
    _error(SpecError, load_network, _files(tmp_path, worldview=rounded))
    ok = rounded.replace("    form: table\n    rows:", "    form: table\n    normalize: true\n"
                                                      "    rows:")
    net = load_network(_files(tmp_path, worldview=ok))
    assert net.cpts["b"][0].tolist() == pytest.approx([1 / 3] * 3, abs=1e-15)


def test_a_sum_off_by_less_than_the_tolerance_passes(tmp_path: Path) -> None:
    near = WORLDVIEW.replace("[0.5, 0.3, 0.2]", "[0.5, 0.3, 0.2000000000005]")
    load_network(_files(tmp_path, worldview=near))
    off = WORLDVIEW.replace("[0.5, 0.3, 0.2]", "[0.5, 0.3, 0.200000001]")
    _error(SpecError, load_network, _files(tmp_path, worldview=off))


def test_a_product_form_above_one_is_an_error_not_clipped(tmp_path: Path) -> None:
    wv = WORLDVIEW.replace("""    form: logit_additive
    base: {by: a, values: {no: 0.2, yes: 0.6}}
    odds_ratios: {b: {mid: 2, high: 4}}""", """    form: product
    base: 0.5
    factors: {b: {high: 3}}""")
    msg = _error(SpecError, load_network, _files(tmp_path, worldview=wv))
    assert "P(c | a=no, b=high) = [-0.5, 1.5]" in msg


@pytest.mark.parametrize(("evidence", "needle"), [
    (Evidence(hard={"zz": "yes"}), "evidence: unknown node 'zz' in model tiny"),
    (Evidence(hard={"a": "maybe"}), "evidence: unknown state 'maybe' of a (states: no, yes)"),
    (Evidence(do={"b": "max"}), "do: unknown state 'max' of b"),
    (Evidence(do={"zz": "yes"}), "do: unknown node 'zz'"),
    (Evidence(likelihood={"b": (1.0, 2.0)}), "likelihood for b has 2 values; b has 3 states"),
    (Evidence(likelihood={"b": (1.0, -2.0, 1.0)}), "negative entry"),
    (Evidence(likelihood={"b": (0.0, 0.0, 0.0)}), "all zeros"),
    (Evidence(fixed={"b": (0.5, 0.3, 0.3)}), "fixed marginal for b sums to 1.1, not 1"),
    (Evidence(fixed={"b": (1.5, -0.5, 0.0)}), "outside [0, 1]"),
    (Evidence(hard={"b": "low"}, fixed={"b": (0.5, 0.3, 0.2)}), "both hard evidence and a fixed"),
])
def test_bad_evidence(tmp_path: Path, evidence: Evidence, needle: str) -> None:
    net = load_network(_files(tmp_path))
    msg = _error(EvidenceError, posterior, net, "c", evidence)
    assert needle in msg


def test_unknown_target(tmp_path: Path) -> None:
    net = load_network(_files(tmp_path))
    assert "unknown node 'zz'" in _error(EvidenceError, posterior, net, "zz")


def test_impossible_evidence_in_the_crux_network() -> None:
    net = load_network("crux_network", "gs_deference")
    msg = _error(ImpossibleEvidenceError, posterior, net, "catastrophe",
                 Evidence(hard={"good_initialization": "yes", "scheming": "yes"}))
    assert "probability 0" in msg and "good_initialization=yes, scheming=yes" in msg


def test_impossible_evidence_after_do() -> None:
    net = load_network("carlsmith_2021")
    with pytest.raises(ImpossibleEvidenceError):
        posterior(net, "aps_systems", Evidence(hard={"catastrophe": "yes"},
                                               do={"incentives": "no"}))


def test_fixed_marginal_on_an_impossible_state() -> None:
    net = load_network("carlsmith_2021")
    msg = _error(ImpossibleEvidenceError, posterior, net, "incentives",
                 Evidence(hard={"aps_systems": "no"}, fixed={"catastrophe": (0.5, 0.5)}))
    assert "catastrophe" in msg and "'yes'" in msg


def test_unknown_model_and_worldview() -> None:
    assert "unknown model 'nope'" in _error(SpecError, load_network, "nope")
    msg = _error(SpecError, load_network, "crux_network", "nope")
    assert "unknown worldview 'nope'" in msg and "gs_deference" in msg
    # A shared base file is not a worldview.
    assert "unknown worldview '_shared'" in _error(SpecError, load_network, "crux_network",
                                                   "_shared")


def test_yaml_tags_that_would_execute_code_are_rejected(tmp_path: Path) -> None:
    evil = "model: tiny\nnodes: !!python/object/apply:os.system ['echo pwned']\n"
    msg = _error(SpecError, load_model_spec, _files(tmp_path, model=evil))
    assert "line 2" in msg


COPY_MODEL = """\
model: copy
default_worldview: w
nodes:
  - {id: x, states: [no, yes]}
  - {id: y, states: [no, yes], parents: [x]}
"""
COPY_WORLDVIEW = """\
worldview: w
model: copy
cpts:
  x: {p: 0.5}
  y: {form: gate, any: {x: yes}}
"""


def test_fixed_marginals_that_contradict_each_other(tmp_path: Path) -> None:
    """y copies x, so fixing them to different marginals cannot hold: a named error, no NaN and
    no numpy warning (the test config turns warnings into errors)."""
    (tmp_path / "copy.yaml").write_text(COPY_MODEL)
    (tmp_path / "w.yaml").write_text(COPY_WORLDVIEW)
    net = load_network(tmp_path / "copy.yaml")
    msg = _error(EvidenceError, posterior, net, "x",
                 Evidence(fixed={"x": (0.5, 0.5), "y": (0.2, 0.8)}))
    assert "fixed marginals cannot all hold together" in msg
    post = posterior(net, "x", Evidence(fixed={"x": (0.2, 0.8), "y": (0.2, 0.8)}))
    assert post.probs.tolist() == pytest.approx([0.2, 0.8], abs=1e-12)


@pytest.mark.parametrize("args,needle", [
    (["report", "-m", "carlsmith_2021", "--draws", "200", "--analysis-draws", "100", "--out",
      "{tmp}/afile"], "afile: --out must be a directory, and this is a file"),
    (["elicit", "panel_2026", "--out", "{tmp}/no/such/dir/x.yaml"],
     "x.yaml: No such file or directory"),
    (["query", "catastrophe", "-w",
      "cruxnet/priors/worldviews/crux_network/panel_2026.elicit.yaml"],
     "this is an elicitation file, not a worldview"),
])
def test_files_that_cannot_be_written_or_are_the_wrong_kind(tmp_path: Path, args: list[str],
                                                             needle: str) -> None:
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from cruxnet.cli import main

    (tmp_path / "afile").write_text("not a directory")
    err = io.StringIO()
    root = Path(__file__).resolve().parents[1]
    argv = [a.replace("{tmp}", str(tmp_path)) if "{tmp}" in a else
            (str(root / a) if a.startswith("cruxnet/") else a) for a in args]
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(argv)
    lines = err.getvalue().strip().splitlines()
    assert rc == 2 and len(lines) == 1 and lines[0].startswith("cruxnet: error: ")
    assert needle in lines[0]
