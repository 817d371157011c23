"""The Python API people coming from pgmpy, PyMC and ArviZ expect (issue 16, item 5): plain
mappings as evidence, joint posteriors, parameter draws in and out of ArviZ, and converters
to and from pgmpy and pyAgrum, each checked against an independent computation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

from cruxnet import (
    Evidence,
    EvidenceError,
    draw_parameters,
    joint_posterior,
    load_network,
    posterior,
    posterior_draws,
)
from cruxnet.errors import DrawsError
from cruxnet.io import from_pgmpy, to_pgmpy, to_pyagrum
from cruxnet.priors.draws import DatasetDraws, to_inference_data

with warnings.catch_warnings():  # SWIG's import-time DeprecationWarning, an error under pytest
    warnings.simplefilter("ignore")
    import pyagrum as gum


@pytest.fixture(scope="module")
def net():
    return load_network("crux_network", "karnofsky_playbook")


def test_plain_mappings_are_evidence(net) -> None:
    mapping = {"scheming": "no", "deception_demonstrated": "yes"}
    ev = Evidence(hard=mapping)
    assert posterior(net, "catastrophe", mapping).probs.tolist() == \
        posterior(net, "catastrophe", ev).probs.tolist()
    a = posterior_draws(net, "catastrophe", mapping, draws=300, seed=1)
    b = posterior_draws(net, "catastrophe", ev, draws=300, seed=1)
    assert np.array_equal(a.probs, b.probs)
    spelled = {"hard": {"scheming": "no"}, "likelihood": {"bgd_exists": {"no": 1, "yes": 3}},
               "fixed": {"lead_time": {"under_2wk": 0.5, "about_1mo": 0.5}},
               "do": {"capability_restraint": "pause"}}
    full = Evidence(hard={"scheming": "no"}, likelihood={"bgd_exists": (1.0, 3.0)},
                    fixed={"lead_time": (0.5, 0.5, 0.0, 0.0, 0.0)},
                    do={"capability_restraint": "pause"})
    assert posterior(net, "catastrophe", spelled)["yes"] == pytest.approx(
        posterior(net, "catastrophe", full)["yes"], abs=1e-15)
    from cruxnet.sensitivity import Question

    q = Question(net, "catastrophe", evidence=mapping, draws=0)
    assert q.point() == pytest.approx(posterior(net, "catastrophe", ev)["yes"], abs=1e-15)
    with pytest.raises(EvidenceError, match="likelihood or fixed evidence"):
        posterior(net, "catastrophe", {"scheming": {"no": 1, "yes": 3}})
    with pytest.raises(EvidenceError, match="unknown state 'maybe'"):
        posterior(net, "catastrophe", {"scheming": "maybe"})


def test_joint_posterior_against_pgmpy_and_the_engine(net) -> None:
    from pgmpy.inference import VariableElimination

    targets = ["scheming", "bgd_exists", "lead_time"]
    hard = {"deception_demonstrated": "yes", "catastrophe": "no"}
    j = joint_posterior(net, targets, hard)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = VariableElimination(to_pgmpy(net)).query(targets, evidence=hard, joint=True,
                                                     show_progress=False)
    want = f.values.transpose([f.variables.index(t) for t in targets])
    assert_allclose(j.values, want, atol=1e-12)
    for t in targets:  # its marginals are the engine's posteriors
        ev = Evidence(hard=hard, likelihood={"infosec_strong": (1.0, 2.0)},
                      fixed={"competitive_pressure": (0.3, 0.7)}, do={"careful_lab_leads": "yes"})
        jj = joint_posterior(net, targets, ev)
        others = [d for d in targets if d != t]
        assert_allclose(jj.sum(others).values, posterior(net, t, ev).probs, atol=1e-12)
    observed = joint_posterior(net, ["scheming", "catastrophe"], hard)
    assert float(observed.sel(catastrophe="yes").sum()) == 0.0


def test_parameter_draws_in_line_with_posterior_draws_and_arviz(net) -> None:
    import arviz as az

    n, seed = 700, 5
    ds = draw_parameters(net, draws=n, seed=seed)
    direct = posterior_draws(net, "catastrophe", draws=n, seed=seed)
    via = posterior_draws(net, "catastrophe", parameters=DatasetDraws(net.spec, ds))
    assert_allclose(via.probs, direct.probs, atol=1e-13)
    with pytest.raises(DrawsError, match="not both"):
        posterior_draws(net, "catastrophe", draws=n, parameters=DatasetDraws(net.spec, ds))
    summ = az.summary(direct.to_inference_data(), kind="stats")
    assert summ.loc["P(catastrophe)[yes]", "mean"] == pytest.approx(
        direct.probs[:, 1].mean(), abs=5e-4)
    # Parameter draws through ArviZ and back, as a PyMC posterior with 7 chains would come.
    idata = to_inference_data(ds)
    chains = idata.posterior.isel(chain=0, drop=True).coarsen(draw=n // 7).construct(
        draw=("chain", "draw"))
    pymc_like = az.InferenceData(posterior=chains, constant_data=idata.constant_data)
    again = posterior_draws(net, "catastrophe", parameters=DatasetDraws(net.spec, pymc_like))
    assert_allclose(again.probs, direct.probs, atol=1e-13)  # chains one after another
    az.summary(idata, var_names=["P(scheming | alignment_difficulty, alignment_research, "
                                 "deference_timing, capability_restraint)"], kind="stats")


def test_pgmpy_and_pyagrum_round_trips(net) -> None:
    back = from_pgmpy(to_pgmpy(net), name="crux_network")
    for node in net.spec.node_ids:
        assert back.spec.node(node).parents == net.spec.node(node).parents
        assert_allclose(np.asarray(back.cpts[node]), np.asarray(net.cpts[node]), atol=1e-12)
    bn = to_pyagrum(net)
    ie = gum.LazyPropagation(bn)
    ie.setEvidence({"scheming": "no"})
    ie.makeInference()
    got = ie.posterior("catastrophe").toarray()
    assert_allclose(got, posterior(net, "catastrophe", {"scheming": "no"}).probs, atol=1e-12)


def test_everything_the_notebooks_use_is_public() -> None:
    """The notebooks import only from ``cruxnet`` or one of its subpackages' ``__init__``
    (or a top-level module such as ``cruxnet.figure``), and only public names."""
    import ast
    import importlib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "notebooks"
    seen = 0
    for nb in root.glob("*.py"):
        for node in ast.walk(ast.parse(nb.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cruxnet"):
                module = importlib.import_module(node.module or "")
                assert node.module.count(".") <= 1, (nb.name, node.module)
                for alias in node.names:
                    assert not alias.name.startswith("_"), (nb.name, alias.name)
                    exported = getattr(module, "__all__", None)
                    assert exported is None or alias.name in exported, (node.module, alias.name)
                    seen += 1
    assert seen > 20


def test_show_and_explore_are_methods_of_the_network() -> None:
    """net.show() and net.explore() are cruxnet.show and cruxnet.explore (registered by the
    layers that draw them)."""
    from cruxnet import explore, load_network, show

    net = load_network("carlsmith_2021")
    assert net.show({"incentives": "yes"}).svg == show(net, {"incentives": "yes"}).svg
    a, b = net.explore(draws=20), explore(net, draws=20)
    assert a.data == b.data and a.html == b.html


@pytest.mark.slow
def test_arviz_notice_depends_on_nothing_a_user_has(tmp_path) -> None:
    """ArviZ 0.2x shows a FutureWarning once a day per user cache (its text starts with a
    newline). With a fresh home folder and cache it is due: cruxnet's commands and imports must
    neither show it to a user nor let a test's outcome depend on it."""
    import ast
    import os
    import subprocess
    import sys
    from pathlib import Path

    import matplotlib

    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "MPLCONFIGDIR": matplotlib.get_cachedir()}  # matplotlib's font list, built once
    bare = subprocess.run([sys.executable, "-W", "error::FutureWarning", "-c", "import arviz"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert bare.returncode != 0 and "ArviZ is undergoing" in bare.stderr  # the notice is due
    ours = subprocess.run([sys.executable, "-W", "error::FutureWarning", "-m", "cruxnet",
                           "query", "catastrophe", "--draws", "200", "--ci-kind", "hdi"],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert ours.returncode == 0 and ours.stderr == "", ours.stderr
    # Every import of ArviZ or PyMC in the package goes through cruxnet.thirdparty.
    root = Path(__file__).resolve().parents[1] / "cruxnet"
    for f in root.rglob("*.py"):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        quiet = {id(n) for w in ast.walk(tree) if isinstance(w, ast.With)
                 and "quiet_arviz_notice" in ast.unparse(w.items[0].context_expr)
                 for n in w.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""])
                if any(n.split(".")[0] in ("arviz", "pymc") for n in names):
                    assert f.name == "thirdparty.py" or id(node) in quiet, (f, node.lineno)
