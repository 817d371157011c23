"""The exact engine: joint posteriors against pgmpy, impossible evidence named, results as
xarray, observing against doing, likelihood evidence by Pearl's rule, and precision kept where
the evidence is nearly impossible or probabilities are tiny (closed forms)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from numpy.testing import assert_allclose
from support.errors import error_message

from cruxnet import (
    Evidence,
    ImpossibleEvidenceError,
    joint_posterior,
    load_network,
    posterior,
    posterior_draws,
)
from cruxnet.draws.dataset import DatasetDraws
from cruxnet.draws.values import cpt_name
from cruxnet.io import to_pgmpy
from cruxnet.model.network import BayesNet


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


def test_impossible_evidence_in_the_crux_network() -> None:
    net = load_network("crux_network", "gs_deference")
    msg = error_message(ImpossibleEvidenceError, posterior, net, "catastrophe",
                        Evidence(hard={"good_initialization": "yes", "scheming": "yes"}))
    assert "probability 0" in msg and "good_initialization=yes, scheming=yes" in msg


def test_impossible_evidence_after_do() -> None:
    net = load_network("carlsmith_2021")
    with pytest.raises(ImpossibleEvidenceError):
        posterior(net, "aps_systems", Evidence(hard={"catastrophe": "yes"},
                                               do={"incentives": "no"}))


def test_posterior_to_xarray_has_named_dim_and_provenance() -> None:
    net = load_network("crux_network", "gs_deference")
    da = posterior(net, "lead_time").to_xarray()
    assert da.dims == ("lead_time",)
    assert list(da.coords["lead_time"].values) == list(net.spec.node("lead_time").states)
    assert da.attrs["worldview"] == "gs_deference" and da.attrs["spec_sha256"]


def test_observing_and_doing_differ_on_a_back_door_path() -> None:
    """Observing voluntary standards raises P(cat): it signals a demonstrated deception, hence
    harder alignment. do() cuts that back-door path: it lies below the observation and below
    do(none). (The same numbers are checked against mutilated pgmpy models in
    tests/oracles/test_exact.py.)"""
    net = load_network("crux_network", "gs_deference")
    base = posterior(net, "catastrophe")["yes"]
    seen = posterior(net, "catastrophe", Evidence(hard={"standards_monitoring": "voluntary"}))
    done = posterior(net, "catastrophe", Evidence(do={"standards_monitoring": "voluntary"}))
    none = posterior(net, "catastrophe", Evidence(do={"standards_monitoring": "none"}))
    assert seen["yes"] > base
    assert done["yes"] < seen["yes"]
    assert done["yes"] < none["yes"]


def test_do_on_a_root_equals_conditioning_on_it() -> None:
    net = load_network("crux_network", "karnofsky_playbook")
    for state in ("easy", "hard"):
        a = posterior(net, "catastrophe", Evidence(hard={"alignment_difficulty": state}))
        b = posterior(net, "catastrophe", Evidence(do={"alignment_difficulty": state}))
        np.testing.assert_allclose(a.probs, b.probs, atol=1e-15)


def test_likelihood_evidence_is_not_a_fixed_marginal() -> None:
    """Pearl: posterior = prior x likelihood, renormalised (hand-derived), not the vector."""
    net = load_network("crux_network", "gs_deference")
    prior = posterior(net, "scheming").probs
    post = posterior(net, "scheming", Evidence(likelihood={"scheming": (0.3, 0.7)})).probs
    expected = prior * [0.3, 0.7] / (prior * [0.3, 0.7]).sum()
    np.testing.assert_allclose(post, expected, atol=1e-15)
    assert abs(post[1] - 0.7) > 0.1


def _chain(tmp: Path, n: int, eps: float) -> BayesNet:
    """x0 -> x1 -> ... -> x{n-1}; P(x_i = yes | x_{i-1} = no) = eps, given yes: 2 eps."""
    lines = ["network chain {", "}"]
    lines += [f"variable x{i} {{ type discrete [ 2 ] {{ no, yes }}; }}" for i in range(n)]
    lines.append("probability ( x0 ) { table 0.5, 0.5; }")
    lines += [f"probability ( x{i} | x{i - 1} ) {{ (no) {1 - eps!r}, {eps!r}; "
              f"(yes) {1 - 2 * eps!r}, {2 * eps!r}; }}" for i in range(1, n)]
    path = tmp / f"chain{n}.bif"
    path.write_text("\n".join(lines) + "\n")
    return load_network(str(path))


@pytest.mark.parametrize("n", [5, 30, 80])
def test_near_impossible_evidence_keeps_its_precision(tmp_path: Path, n: int) -> None:
    """Every x_i = yes observed: P(e) = 0.5 (eps + 2 eps) (2 eps)^(n-2), down to
    n = 80 (1e-924), far below float64's range; P(x0 = yes | e) = 2/3 exactly."""
    eps = 1e-12
    net = _chain(tmp_path, n, eps)
    ev = Evidence(hard={f"x{i}": "yes" for i in range(1, n)})
    post = posterior(net, "x0", ev)
    assert_allclose(post.probs, [1 / 3, 2 / 3], rtol=1e-12)
    log_pe = np.log(0.5 * 3 * eps) + (n - 2) * np.log(2 * eps)
    assert_allclose(post.log_p_evidence, log_pe, rtol=1e-12)
    # The batched engine, on the same tables in two draws.
    data = {cpt_name(net.spec, k): xr.DataArray(np.stack([v, v]),
                                                dims=("draw", *net.spec.node(k).parents, k))
            for k, v in net.cpts.items()}
    draws = posterior_draws(net, "x0", ev, parameters=DatasetDraws(net.spec, xr.Dataset(data)))
    assert draws.n_impossible == 0
    assert_allclose(draws.probs, [[1 / 3, 2 / 3]] * 2, rtol=1e-12)


def test_tiny_probabilities_keep_their_relative_precision(tmp_path: Path) -> None:
    """a -> b with P(a) = 1e-12: P(a = yes | b) against the closed form, relative 1e-12."""
    p, q, r = 1e-12, 1e-12, 0.5  # P(a), P(b | not a), P(b | a)
    path = tmp_path / "tiny.bif"
    path.write_text("network t {\n}\n"
                    "variable a { type discrete [ 2 ] { no, yes }; }\n"
                    "variable b { type discrete [ 2 ] { no, yes }; }\n"
                    f"probability ( a ) {{ table {1 - p!r}, {p!r}; }}\n"
                    f"probability ( b | a ) {{ (no) {1 - q!r}, {q!r}; (yes) {1 - r!r}, {r!r}; }}\n")
    net = load_network(str(path))
    no_b = posterior(net, "a", Evidence(hard={"b": "no"}))["yes"]
    yes_b = posterior(net, "a", Evidence(hard={"b": "yes"}))["yes"]
    assert_allclose(no_b, p * (1 - r) / (p * (1 - r) + (1 - p) * (1 - q)), rtol=1e-12)
    assert_allclose(yes_b, p * r / (p * r + (1 - p) * q), rtol=1e-12)
    assert_allclose(posterior(net, "b")["yes"], p * r + (1 - p) * q, rtol=1e-12)
