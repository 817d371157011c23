"""Fixed marginals (Jeffrey's rule): closed forms and brute-force iterative fitting on small
networks, slowly converging and boundary cases, infeasible or contradictory marginals named,
no feasible draw dropped, and the sweeps' fallback for large joints."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.bruteforce import SmallNet, condition, ipfp, marginal, two_by_two_projection
from support.errors import error_message
from support.models import chain

from cruxnet import Evidence, EvidenceError, ImpossibleEvidenceError, load_network, posterior
from cruxnet.draws.streams import BLOCK
from cruxnet.inference.batched import posterior_draws, source_for

EXACT = 1e-12


def test_fixed_marginal_on_an_impossible_state() -> None:
    net = load_network("carlsmith_2021")
    msg = error_message(ImpossibleEvidenceError, posterior, net, "incentives",
                        Evidence(hard={"aps_systems": "no"}, fixed={"catastrophe": (0.5, 0.5)}))
    assert "catastrophe" in msg and "'yes'" in msg


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
    msg = error_message(EvidenceError, posterior, net, "x",
                        Evidence(fixed={"x": (0.5, 0.5), "y": (0.2, 0.8)}))
    assert "fixed marginals cannot all hold together" in msg
    post = posterior(net, "x", Evidence(fixed={"x": (0.2, 0.8), "y": (0.2, 0.8)}))
    assert post.probs.tolist() == pytest.approx([0.2, 0.8], abs=1e-12)


def test_two_fixed_marginals_hold_jointly() -> None:
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(fixed={"lead_time": (0.1, 0.6, 0.1, 0.1, 0.1), "scheming": (0.5, 0.5)})
    np.testing.assert_allclose(posterior(net, "lead_time", ev).probs, [0.1, 0.6, 0.1, 0.1, 0.1],
                               atol=1e-12)
    np.testing.assert_allclose(posterior(net, "scheming", ev).probs, [0.5, 0.5], atol=1e-12)


# Issue 13, item 2: slowly converging fixed marginals are fitted exactly; infeasible ones named
# as such.
@pytest.mark.parametrize("eps", [1e-3, 1e-5, 1e-8])
@pytest.mark.parametrize(("a0", "b0"), [(0.5, 0.5), (0.3, 0.8), (0.9, 0.15)])
def test_slow_fixed_marginals_equal_the_closed_form(eps, a0, b0):
    small = chain(eps)
    net = small.net()
    ev = Evidence(fixed={"X": (a0, 1 - a0), "Y": (b0, 1 - b0)})
    # Closed form: P(Z) = sum_xy p*(x, y) P(Z | y), p* the I-projection of P(X, Y).
    pxy = marginal(small.joint(), small.names, ["X", "Y"])
    proj = two_by_two_projection(pxy, a0, b0)
    expect = proj.sum(axis=0) @ small.cpts[2]
    assert_allclose(posterior(net, "Z", ev).probs, expect, atol=EXACT)
    assert_allclose(posterior(net, "X", ev).probs, [a0, 1 - a0], atol=EXACT)
    assert_allclose(posterior(net, "Y", ev).probs, [b0, 1 - b0], atol=EXACT)


def test_crux_network_slow_case_closed_form():
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(fixed={"scheming": (0.5, 0.5), "good_initialization": (0.501, 0.499)})
    # P(scheming, good_initialization) and P(catastrophe | both) by hard-evidence queries.
    table = np.empty((2, 2))
    cond = np.empty((2, 2))
    p_s = posterior(net, "scheming").probs
    for i, s in enumerate(("no", "yes")):
        p_g = posterior(net, "good_initialization", Evidence(hard={"scheming": s})).probs
        for j, g in enumerate(("no", "yes")):
            table[i, j] = p_s[i] * p_g[j]
            if table[i, j] > 0:
                cond[i, j] = posterior(net, "catastrophe", Evidence(
                    hard={"scheming": s, "good_initialization": g}))["yes"]
    # The model rules out scheming with a good initialization, so the marginals determine the
    # fitted table outright: P(yes, yes) = 0 forces P(no, yes) = .499, P(yes, no) = .5 and
    # P(no, no) = .001 (iterative fitting only approaches this, hence its thousands of sweeps).
    assert table[1, 1] == 0
    got = posterior(net, "catastrophe", ev)["yes"]
    assert_allclose(got, 0.001 * cond[0, 0] + 0.499 * cond[0, 1] + 0.5 * cond[1, 0],
                    atol=1e-12)
    # (Under the v0.1 model this was the 0.45671; the closed form above is the check.)
    assert_allclose(posterior(net, "good_initialization", ev).probs, [0.501, 0.499],
                    atol=EXACT)


def test_boundary_and_infeasible_fixed_marginals_are_told_apart():
    # P(Y = s0 | X = s1) = 0: fixing X and Y at (.5, .5) is feasible only with P(X=s0, Y=s1)
    # = 0 too (the unique solution puts .5 on each diagonal cell); iterative fitting only
    # approaches it. (.5, .5) and (.6, .4) is infeasible: Y = s0 needs X = s0.
    small = SmallNet(["X", "Y", "Z"], [2, 2, 2], [[], [0], [1]],
                     [np.array([0.4, 0.6]), np.array([[0.7, 0.3], [0.0, 1.0]]),
                      np.array([[0.9, 0.1], [0.25, 0.75]])])
    net = small.net()
    ev = Evidence(fixed={"X": (0.5, 0.5), "Y": (0.5, 0.5)})
    assert_allclose(posterior(net, "Z", ev).probs,
                    0.5 * small.cpts[2][0] + 0.5 * small.cpts[2][1], atol=EXACT)
    assert_allclose(posterior(net, "Y", ev).probs, [0.5, 0.5], atol=EXACT)
    with pytest.raises(EvidenceError, match="cannot all hold together"):
        posterior(net, "Z", Evidence(fixed={"X": (0.5, 0.5), "Y": (0.6, 0.4)}))


def test_three_fixed_marginals_against_brute_force_ipfp(rng):
    # A random 5-node network with a small entry; three fixed nodes; the oracle fits the
    # brute-force joint of the fixed nodes by iterative proportional fitting.
    cards = [2, 3, 2, 3, 2]
    parents = [[], [0], [0, 1], [2], [1, 3]]
    cpts = [rng.dirichlet(np.ones(cards[i]), size=tuple(cards[p] for p in parents[i]))
            for i in range(5)]
    cpts[2][0, 0] = [1 - 1e-4, 1e-4]
    small = SmallNet([f"n{i}" for i in range(5)], cards, parents, cpts)
    qs = {"n0": np.array([0.3, 0.7]), "n2": np.array([0.55, 0.45]),
          "n3": np.array([0.2, 0.5, 0.3])}
    hard = {"n4": 1}
    joint = condition(small.joint(), small.names, hard=hard)
    fixed_names = list(qs)
    table = marginal(joint, small.names, fixed_names)
    fitted, converged = ipfp(table, list(qs.values()))
    assert converged
    # P(n1 | e) = sum_f p*(f) P(n1 | f, e)
    full = marginal(joint, small.names, [*fixed_names, "n1"])
    cond = full / full.sum(axis=-1, keepdims=True)
    expect = np.einsum("abc,abcd->d", fitted, cond)
    ev = Evidence(hard={"n4": "s1"}, fixed={k: tuple(v) for k, v in qs.items()})
    assert_allclose(posterior(small.net(), "n1", ev).probs, expect, atol=1e-11)


# Issue 13, item 3: with draws, no feasible draw is dropped.
def test_draws_never_drop_a_feasible_fit():
    small = chain(1e-5)
    net = small.net()
    ev = Evidence(fixed={"X": (0.5, 0.5), "Y": (0.5, 0.5)})
    n = 1200
    post = posterior_draws(net, "Z", ev, draws=n, seed=4, ess=20)
    assert post.n_impossible == 0 and post.probs.shape == (n, 2)
    # Each draw equals the closed form on that draw's own tables.
    src = source_for(net, n, 4, 20)
    bx = src.block("X", 0, BLOCK if n > BLOCK else n)
    by = src.block("Y", 0, BLOCK if n > BLOCK else n)
    bz = src.block("Z", 0, BLOCK if n > BLOCK else n)
    for i in [0, 1, 17, 400, n - 1]:
        table = bx[i][:, None] * by[i]
        if (table <= 0).any():  # a draw whose tiny entry underflowed: the boundary solution
            continue
        proj = two_by_two_projection(table, 0.5, 0.5)
        assert_allclose(post.probs[i], proj.sum(axis=0) @ bz[i], atol=1e-10)


@pytest.mark.slow
def test_the_sweeps_fallback_for_large_joints_agrees_or_says_slow(monkeypatch):
    """Fixed nodes whose joint exceeds JOINT_LIMIT are fitted by proportional-fitting sweeps:
    the same answer where that converges, a ConvergenceError (not "impossible") where it
    stalls."""
    from cruxnet.base.errors import ConvergenceError
    from cruxnet.inference import jeffrey

    net = load_network("crux_network", "gs_deference")
    ev = Evidence(fixed={"scheming": (0.6, 0.4), "bgd_exists": (0.3, 0.7)})
    exact = posterior(net, "catastrophe", ev).probs
    monkeypatch.setattr(jeffrey, "JOINT_LIMIT", 1)
    assert_allclose(posterior(net, "catastrophe", ev).probs, exact, atol=1e-11)
    small = chain(1e-5)  # slow (about 1,800 sweeps) but converging: the closed form
    proj = two_by_two_projection(marginal(small.joint(), small.names, ["X", "Y"]), 0.5, 0.5)
    assert_allclose(posterior(small.net(), "Z", Evidence(fixed={"X": (0.5, 0.5),
                                                                "Y": (0.5, 0.5)})).probs,
                    proj.sum(axis=0) @ small.cpts[2], atol=1e-10)
    # On the boundary (a structural zero forces a cell to 0) sweeps only creep: said so.
    edge = SmallNet(["X", "Y"], [2, 2], [[], [0]],
                    [np.array([0.4, 0.6]), np.array([[0.7, 0.3], [0.0, 1.0]])])
    with pytest.raises(ConvergenceError, match="not shown impossible"):
        posterior(edge.net(), "Y", Evidence(fixed={"X": (0.5, 0.5), "Y": (0.5, 0.5)}))


def _ipfp_answer(small, hard, qs, target):
    """P(target | hard, fixed marginals qs) by brute force: the fixed nodes' joint fitted by
    iterative proportional fitting, then sum_f p*(f) P(target | f, hard)."""
    joint = condition(small.joint(), small.names, hard=hard)
    names = list(qs)
    fitted, converged = ipfp(marginal(joint, small.names, names), list(qs.values()))
    assert converged
    full = marginal(joint, small.names, [*names, target])
    with np.errstate(invalid="ignore", divide="ignore"):
        cond = np.nan_to_num(full / full.sum(axis=-1, keepdims=True))
    return np.einsum(f"{'abc'[:len(names)]},{'abc'[:len(names)]}z->z", fitted, cond)


def _random_small(rng):
    cards = [2, 3, 2, 4, 2]
    parents = [[], [0], [0, 1], [2], [1, 3]]
    cpts = [rng.dirichlet(np.ones(cards[i]), size=tuple(cards[p] for p in parents[i]))
            for i in range(5)]
    return SmallNet([f"n{i}" for i in range(5)], cards, parents, cpts)


@pytest.mark.parametrize("seed", range(8))
def test_a_certain_fixed_marginal_is_hard_evidence(seed):
    """A fixed marginal certain of one state, beside two others: the answer of that state as
    hard evidence (brute force), never a convergence failure."""
    rng = np.random.default_rng(seed)
    small = _random_small(rng)
    certain, a, b = (f"n{i}" for i in rng.permutation([0, 1, 2, 3])[:3])
    k = small.cards[small.index(certain)]
    s = int(rng.integers(k))
    qs = {a: rng.dirichlet(np.ones(small.cards[small.index(a)])),
          b: rng.dirichlet(np.ones(small.cards[small.index(b)]))}
    onehot = np.eye(k)[s]
    want = _ipfp_answer(small, {certain: s}, qs, "n4")
    ev = Evidence(fixed={certain: tuple(onehot), **{n: tuple(q) for n, q in qs.items()}})
    assert_allclose(posterior(small.net(), "n4", ev).probs, want, atol=1e-10)


@pytest.mark.parametrize("eps", [1e-6, 1e-8, 1e-9, 1e-10, 1e-12])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fixed_marginals_just_inside_the_boundary_are_fitted(eps, seed):
    """Feasible marginals whose entries are 1e-6 to 1e-12: fitted (the brute-force IPFP answer),
    not refused as impossible and not a solver failure."""
    rng = np.random.default_rng(100 + seed)
    small = _random_small(rng)
    near = np.full(4, eps)
    near[int(rng.integers(4))] = 1 - 3 * eps
    qs = {"n3": near, "n0": rng.dirichlet([1, 1]), "n1": rng.dirichlet([1, 1, 1])}
    want = _ipfp_answer(small, {}, qs, "n4")
    got = posterior(small.net(), "n4", Evidence(fixed={n: tuple(q) for n, q in qs.items()}))
    assert_allclose(got.probs, want, atol=1e-9)
