"""Stated marginals (issue 15, item 1a): the node's own CPT tilted by common per-state factors so
the network implies the stated marginal, its causes untouched. Checked independently: the tilted
network is exported as BIF, read by pgmpy's own parser and queried there; the tilt's form is
checked on the tables; brute force over the joint for a small network. (A person's file that
states them: tests/unit/model/test_worldview.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.bruteforce import SmallNet, marginal
from support.oracles import pgmpy_from_bif_text, pgmpy_query

from cruxnet import Evidence, load_network, posterior, posterior_draws
from cruxnet.base.errors import EvidenceError
from cruxnet.inference.marginals import with_stated_marginals
from cruxnet.io.bif import format_bif

EXACT = 1e-12


def _pgmpy(net):
    return pgmpy_from_bif_text(format_bif(net))


def _common_factors(old: np.ndarray, new: np.ndarray, p_u: np.ndarray) -> None:
    """new[u, x] / old[u, x] = lam_x / Z_u on every reachable row: the ratio of two states'
    factors is the same in every row."""
    k = old.shape[-1]
    o, n = old.reshape(-1, k), new.reshape(-1, k)
    rows = [i for i in range(len(o)) if p_u.reshape(-1)[i] > 0 and (o[i] > 0).all()]
    ratios = np.array([n[i] / o[i] for i in rows])
    ratios /= ratios[:, :1]
    assert_allclose(ratios, np.broadcast_to(ratios[:1], ratios.shape), rtol=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize(("node", "q"), [
    ("scheming", {"no": 0.92, "yes": 0.08}),
    ("lead_time", {"under_2wk": 0.5, "about_1mo": 0.3, "to_6mo": 0.1, "to_2y": 0.05,
                   "over_2y": 0.05}),
    ("deference_timing", {"too_early": 0.2, "at_minimum": 0.7, "late": 0.1}),
])
def test_one_stated_marginal_holds_and_leaves_the_causes(node: str, q: dict) -> None:
    net = load_network("crux_network", "gs_deference")
    mine = with_stated_marginals(net, {node: q})
    pg = _pgmpy(mine)
    got = pgmpy_query(pg, node)
    assert_allclose([got[s] for s in net.spec.node(node).states], list(q.values()), atol=EXACT)
    # The causes are untouched: only the node's own CPT changed (below), and an ancestor's
    # marginal comes from its ancestors' tables alone; pgmpy on both for one of them.
    before = _pgmpy(net)
    anc = sorted(net.spec.ancestors([node]) - {node})[0]
    a, b = pgmpy_query(pg, anc), pgmpy_query(before, anc)
    assert_allclose(list(a.values()), list(b.values()), atol=1e-12)
    # Only the node's own CPT changed, and by common per-state factors.
    for other in net.spec.node_ids:
        if other != node:
            assert np.array_equal(np.asarray(mine.cpts[other]), np.asarray(net.cpts[other]))
    parents = list(net.spec.node(node).parents)
    p_u = _pgmpy_parents_joint(net, parents, before)
    _common_factors(np.asarray(net.cpts[node]), np.asarray(mine.cpts[node]), p_u)
    tilted = np.asarray(mine.cpts[node])
    implied = (p_u[..., None] * tilted).reshape(-1, tilted.shape[-1]).sum(axis=0)
    assert_allclose(implied, list(q.values()), atol=1e-11)
    assert mine is not net and net.cpts[node] is not mine.cpts[node]


def _pgmpy_parents_joint(net, parents, pg=None):
    """P(parents) by pgmpy's variable elimination on the exported network (or ``pg``, that
    network already in pgmpy), in parent order."""
    from pgmpy.inference import VariableElimination

    pg = pg if pg is not None else _pgmpy(net)
    f = VariableElimination(pg).query(variables=list(parents), joint=True, show_progress=False)
    arr = np.moveaxis(f.values, [f.variables.index(p) for p in parents], range(len(parents)))
    # pgmpy orders states as the BIF lists them, which is cruxnet's order.
    return arr


@pytest.mark.slow
def test_several_stated_marginals_hold_jointly_in_any_order() -> None:
    net = load_network("crux_network", "karnofsky_playbook")
    # deference_timing is an ancestor of scheming: the two interact.
    a = {"deference_timing": [0.1, 0.8, 0.1], "scheming": [0.9, 0.1],
         "bgd_exists": {"no": 0.4, "yes": 0.6}}
    b = dict(reversed(list(a.items())))
    m1, m2 = with_stated_marginals(net, a), with_stated_marginals(net, b)
    pg = _pgmpy(m1)
    for node, q in a.items():
        vec = list(q.values()) if isinstance(q, dict) else q
        got = pgmpy_query(pg, node)
        assert_allclose([got[s] for s in net.spec.node(node).states], vec, atol=EXACT)
        assert np.array_equal(np.asarray(m1.cpts[node]), np.asarray(m2.cpts[node]))
    assert posterior(m1, "catastrophe")["yes"] == posterior(m2, "catastrophe")["yes"]


def test_small_network_against_brute_force() -> None:
    small = SmallNet(["A", "B", "C"], [3, 2, 3], [[], [0], [0, 1]],
                     [np.array([0.2, 0.5, 0.3]), np.array([[0.9, 0.1], [0.4, 0.6], [0.3, 0.7]]),
                      np.random.default_rng(5).dirichlet(np.ones(3), size=(3, 2))])
    net = small.net()
    q = [0.1, 0.3, 0.6]
    mine = with_stated_marginals(net, {"C": q})
    p_ab = marginal(small.joint(), small.names, ["A", "B"])
    new = np.asarray(mine.cpts["C"])
    assert_allclose(np.einsum("ab,abc->c", p_ab, new), q, atol=EXACT)
    _common_factors(small.cpts[2], new, p_ab)
    # It is the least expected relative entropy among all tables with that marginal: checked
    # against a direct constrained minimisation with SciPy over every row's entries.
    from scipy.optimize import minimize

    old = small.cpts[2].reshape(-1, 3)
    w = p_ab.reshape(-1)

    def kl(flat):
        r = np.abs(flat.reshape(-1, 3))
        r = r / r.sum(axis=1, keepdims=True)
        return float((w[:, None] * r * np.log(r / old)).sum())

    cons = {"type": "eq", "fun": lambda f: (w[:, None] * (np.abs(f.reshape(-1, 3)) / np.abs(
        f.reshape(-1, 3)).sum(axis=1, keepdims=True))).sum(axis=0)[:2] - q[:2]}
    res = minimize(kl, old.reshape(-1), constraints=[cons], method="SLSQP",
                   options={"ftol": 1e-14, "maxiter": 2000})
    best = np.abs(res.x.reshape(-1, 3))
    best /= best.sum(axis=1, keepdims=True)
    assert kl(new.reshape(-1)) <= kl(best.reshape(-1)) + 1e-9
    assert_allclose(new.reshape(-1, 3), best, atol=2e-4)


def test_three_meanings_give_three_answers() -> None:
    """A stated marginal, a fixed marginal (evidence) and a replaced table are different
    things: under gs_deference, P(scheming) = 8% gives three different P(catastrophe)."""
    net = load_network("crux_network", "gs_deference")
    stated = posterior(with_stated_marginals(net, {"scheming": [0.92, 0.08]}), "catastrophe")
    fixed = posterior(net, "catastrophe", Evidence(fixed={"scheming": (0.92, 0.08)}))
    flat = np.zeros_like(np.asarray(net.cpts["scheming"]))
    flat[..., 0], flat[..., 1] = 0.92, 0.08
    replaced = posterior(net.with_cpt("scheming", flat), "catastrophe")
    values = [stated["yes"], fixed["yes"], replaced["yes"]]
    assert len({round(v, 6) for v in values}) == 3
    # The fixed marginal moves scheming's causes; the stated marginal does not.
    diff = posterior(net, "alignment_difficulty").probs
    assert not np.allclose(posterior(net, "alignment_difficulty",
                                     Evidence(fixed={"scheming": (0.92, 0.08)})).probs, diff)
    assert_allclose(posterior(with_stated_marginals(net, {"scheming": [0.92, 0.08]}),
                              "alignment_difficulty").probs, diff, atol=1e-12)


def test_unreachable_and_bad_marginals_are_named() -> None:
    net = load_network("crux_network", "gs_deference")
    # good_initialization is structurally 0 for schemers, but reachable overall.
    with_stated_marginals(net, {"good_initialization": [0.85, 0.15]})
    small = SmallNet(["A", "B"], [2, 2], [[], [0]],
                     [np.array([0.5, 0.5]), np.array([[1.0, 0.0], [0.5, 0.5]])])
    # B=yes only through A=s1 (half the rows, at most half of it): P(B=s1) = .8 is beyond reach.
    with pytest.raises(EvidenceError, match="stated marginal for B cannot be reached"):
        with_stated_marginals(small.net(), {"B": [0.2, 0.8]})
    assert_allclose(posterior(with_stated_marginals(small.net(), {"B": [0.6, 0.4]}), "B").probs,
                    [0.6, 0.4], atol=EXACT)
    zero = SmallNet(["A"], [3], [[]], [np.array([0.5, 0.5, 0.0])])
    with pytest.raises(EvidenceError, match="state 's2' has probability 0"):
        with_stated_marginals(zero.net(), {"A": [0.2, 0.3, 0.5]})
    with pytest.raises(EvidenceError, match=r"sums? to 0\.9"):
        with_stated_marginals(net, {"scheming": [0.8, 0.1]})
    with pytest.raises(EvidenceError, match="unknown node 'schemin'"):
        with_stated_marginals(net, {"schemin": [0.9, 0.1]})


# --- With draws (issue 15, item 2): each draw meets its own marginal, drawn from the stated
# uncertainty, and the node's drawn table is tilted to it given that draw's parents.

def _scipy_tilt(cpt: np.ndarray, p_u: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Independent of cruxnet's Newton solve: per-state factors from SciPy's root finder, so
    that the parents' weighted rows give q."""
    from scipy.optimize import root

    k = cpt.shape[-1]
    rows, w = cpt.reshape(-1, k), p_u.reshape(-1)

    def tilted(loglam):
        t = rows * np.exp(np.append(loglam, 0.0))
        return t / t.sum(axis=1, keepdims=True)

    def residual(ll):
        return (w[:, None] * tilted(ll)).sum(axis=0)[:-1] - q[:-1]

    res = root(residual, np.zeros(k - 1), method="hybr", tol=1e-15)
    assert np.abs(residual(res.x)).max() < 1e-12  # solved (hybr may stop at its xtol)
    return tilted(res.x).reshape(cpt.shape)


MINE = {"deference_timing": {"too_early": 0.2, "at_minimum": 0.5, "late": 0.3},
        "scheming": {"yes": {"low": 0.03, "high": 0.15, "prob": 0.9}},
        "lead_time": {"p": {"under_2wk": 0.3, "about_1mo": 0.3, "to_6mo": 0.2, "to_2y": 0.1,
                            "over_2y": 0.1}, "ess": 30}}


@pytest.mark.slow
def test_draws_tilt_each_draw_to_its_own_marginal_against_pgmpy() -> None:
    """Every draw meets its own drawn marginal exactly; for one draw, rebuild its untilted
    tables, tilt them one node after another with SciPy on pgmpy's parents' joints, query
    pgmpy, and compare with the batched engine."""
    from cruxnet.draws.marginal import draw_marginal
    from cruxnet.inference.batched import posterior_draws, source_for
    from cruxnet.model.network import BayesNet

    net = load_network("crux_network", "gs_deference")
    mine = with_stated_marginals(net, MINE)
    n, seed = 40, 3
    src = source_for(mine, n, seed)
    base = src.source  # the worldview's untilted draws
    got = posterior_draws(mine, "catastrophe", draws=n, seed=seed).probs
    own = {node: posterior_draws(mine, node, draws=n, seed=seed).probs for node in MINE}
    for node in MINE:  # every draw's marginal holds exactly
        assert_allclose(own[node], draw_marginal(mine.marginals[node], seed, 0, n, n),
                        atol=1e-11)
    for i in (39,):  # the last draw of the block, against pgmpy
        cpts = {nd: (np.asarray(base.point(nd)) if base.is_fixed(nd)
                     else np.asarray(base.block(nd, 0, n)[i])) for nd in net.spec.node_ids}
        this = BayesNet(net.spec, cpts, net.worldview)
        for node in (nd for nd in net.spec.node_ids if nd in MINE):  # topological order
            q = draw_marginal(mine.marginals[node], seed, 0, n, n)[i]
            assert_allclose(own[node][i], q, atol=1e-11)  # the draw's marginal holds exactly
            parents = list(net.spec.node(node).parents)
            p_u = _pgmpy_parents_joint(this, parents) if parents else np.ones(())
            this = this.with_cpt(node, _scipy_tilt(np.asarray(this.cpts[node]), p_u, q))
        want = pgmpy_query(_pgmpy(this), "catastrophe")
        assert_allclose(got[i], [want["no"], want["yes"]], atol=1e-9)


@pytest.mark.slow
def test_draws_carry_the_persons_uncertainty() -> None:
    """P(scheming) over draws is the Beta the person's interval gave (its 5% and 95% quantiles
    are the stated 3% and 15%), whatever the worldview's own uncertainty about scheming was."""
    from scipy import stats

    from cruxnet.files.stated import parse_stated_marginal
    from cruxnet.inference.batched import posterior_draws

    net = load_network("crux_network", "gs_deference")
    mine = with_stated_marginals(net, MINE)
    p = posterior_draws(mine, "scheming", draws=20_000, seed=5)["yes"]
    lo, hi = np.quantile(p, [0.05, 0.95])
    assert abs(lo - 0.03) < 0.002 and abs(hi - 0.15) < 0.004
    m = parse_stated_marginal(MINE["scheming"], net.spec, "scheming")
    assert stats.kstest(p, stats.beta(m.alpha[1], m.alpha[0]).cdf).pvalue > 1e-3
    # The same seed gives identical draws; the results say which marginals were stated.
    again = posterior_draws(mine, "scheming", draws=20_000, seed=5)
    assert np.array_equal(again["yes"], p)
    assert "scheming: no" in again.provenance["stated_marginals"]


def test_batched_tilt_on_extreme_rows() -> None:
    """Nearly saturated rows (entries down to 1e-300) and marginals far from the rows: each
    draw's tilt holds its marginal to 1e-11 and is a common per-state rescaling of its rows.
    (A full Newton step there overshoots by orders of magnitude; the solve must cap it.)"""
    from cruxnet.inference.tilt import tilt_cpts

    rng = np.random.default_rng(11)
    for _ in range(20):
        k, u, m = int(rng.integers(2, 6)), int(rng.integers(1, 10)), 300
        rows = rng.dirichlet(np.full(k, 10 ** rng.uniform(-2, 0.5)), size=(m, u))
        rows = np.maximum(rows, 1e-300)
        rows /= rows.sum(axis=-1, keepdims=True)
        w = rng.dirichlet(np.full(u, 10 ** rng.uniform(-1, 1)), size=m)
        q = rng.dirichlet(np.full(k, 10 ** rng.uniform(-1, 1)), size=m)
        q = np.maximum(q, 1e-200)
        q /= q.sum(axis=1, keepdims=True)
        out = tilt_cpts(rows, w, q)
        assert_allclose(np.einsum("mu,muk->mk", w, out), q, atol=1e-11)
        for i in range(0, m, 37):
            # (entries that reach the subnormal range keep fewer digits: compare the rest)
            fine = (rows[i] > 1e-200).all(axis=-1) & (out[i] > 1e-200).all(axis=-1)
            if fine.sum() > 1:
                _common_factors(rows[i][fine], out[i][fine], w[i][fine])


def test_uncertainty_wider_than_the_structure_allows_is_truncated() -> None:
    """elicitation_success at 40% with the file's default uncertainty (ess 5): in some draws the
    drawn table makes "yes" certain in some rows (a product clipped at 1), so a drawn marginal
    below that floor cannot be reached. Those draws get a new marginal from the same Beta (the
    person's uncertainty truncated to what the model allows); the rest keep theirs exactly;
    the count is in the provenance; and the draws do not depend on how they are chunked."""
    from cruxnet.draws.marginal import draw_marginal
    from cruxnet.inference.batched import posterior_draws
    from cruxnet.sensitivity import Question

    net = load_network("crux_network", "gs_deference")
    mine = with_stated_marginals(net, {"elicitation_success": {"yes": 0.4}})
    n = 5000  # two stream blocks
    post = posterior_draws(mine, "elicitation_success", draws=n, seed=3)
    note = post.provenance["stated_marginals_redrawn"]
    redrawn = int(note.split(": ")[1].split(" of ")[0])
    assert 0 < redrawn < n // 5, note
    first = draw_marginal(mine.marginals["elicitation_success"], 3, 0, n, n)
    same = np.isclose(post.probs, first, atol=1e-11).all(axis=1)
    assert int((~same).sum()) == redrawn
    whole = Question(mine, "catastrophe", draws=n, seed=3).draws_of("elicitation_success",
                                                                      Evidence())
    assert_allclose(whole, post.probs, atol=1e-13)


@pytest.mark.parametrize("seed", [0, 1])
def test_replacing_a_parents_table_keeps_the_stated_marginals_below(seed: int) -> None:
    """with_cpt on a parent of a stated node: the stated marginal still holds at the point and
    in the draws, as if the table had been replaced first and the marginal stated after; the
    replaced node's own stated marginal is gone from the network and its provenance."""
    rng = np.random.default_rng(seed)
    base = load_network("crux_network", "gs_deference")
    stated = {"scheming": {"yes": 0.3}, "alignment_difficulty": {"hard": 0.5, "easy": 0.2}}
    mine = with_stated_marginals(base, stated)
    parent = "alignment_difficulty"
    assert parent in base.spec.node("scheming").parents
    table = rng.dirichlet(np.ones(base.spec.node(parent).card),
                          size=np.asarray(base.cpts[parent]).shape[:-1])
    got = mine.with_cpt(parent, table)
    other = with_stated_marginals(base.with_cpt(parent, table), {"scheming": {"yes": 0.3}})
    assert_allclose(posterior(got, "scheming")["yes"], 0.3, atol=1e-12)
    assert_allclose(posterior(got, parent).probs, table.reshape(-1), atol=1e-12)
    for target in ("scheming", "catastrophe"):
        assert_allclose(posterior(got, target).probs, posterior(other, target).probs,
                        atol=1e-12)
        assert_allclose(posterior_draws(got, target, draws=300, seed=2, ess=40).probs,
                        posterior_draws(other, target, draws=300, seed=2, ess=40).probs,
                        atol=1e-10)
    assert set(got.marginals) == {"scheming"}
    assert parent not in got.provenance["stated_marginals"]
    assert got.provenance["replaced_tables"] == parent


def _two_node(rows: np.ndarray, w: np.ndarray) -> SmallNet:
    u, k = rows.shape
    return SmallNet(["u", "x"], [u, k], [[], [0]], [w, rows])


def _strictly_reachable(rows: np.ndarray, w: np.ndarray, q: np.ndarray) -> float:
    """The oracle: the largest t with cell masses s >= t w_u on every allowed cell, rows summing
    to w and states to q (a linear programme in well-scaled numbers); > 0 iff some positive
    mixing of rows with these supports gives q."""
    from scipy.optimize import linprog

    cells = [(i, x) for i in range(rows.shape[0]) for x in range(rows.shape[1])
             if rows[i, x] > 0]
    n = len(cells)
    a_eq = [[1.0 * (c[0] == i) for c in cells] + [0.0] for i in range(rows.shape[0])]
    a_eq += [[1.0 * (c[1] == x) for c in cells] + [0.0] for x in range(rows.shape[1])]
    a_ub = [[-1.0 * (j == i) for j in range(n)] + [w[cells[i][0]]] for i in range(n)]
    res = linprog(np.append(np.zeros(n), -1.0), A_ub=a_ub, b_ub=np.zeros(n), A_eq=a_eq,
                  b_eq=np.concatenate([w, q]), bounds=[(0, None)] * n + [(None, 1)])
    return float(res.x[-1]) if res.status == 0 else -1.0


@pytest.mark.parametrize("seed", range(4))
def test_reachability_is_decided_exactly(seed: int) -> None:
    """Random rows with structural zeros (3 to 5 states) and random marginals: a marginal is
    accepted exactly when a linear programme finds a positive mixing that gives it (far from
    the boundary), and when accepted it holds; a refusal names a set of states whose bound it
    breaks, and that bound is true of the rows."""
    import re

    rng = np.random.default_rng(seed)
    decided = 0
    for _ in range(40):
        k, u = int(rng.integers(3, 6)), int(rng.integers(2, 6))
        rows = rng.dirichlet(np.ones(k), size=u) * (rng.random((u, k)) < 0.6)
        rows[np.arange(u), rng.integers(k, size=u)] += 0.1
        rows /= rows.sum(axis=1, keepdims=True)
        w = rng.dirichlet(np.full(u, 2.0))
        q = rng.dirichlet(np.full(k, 1.5))
        t = _strictly_reachable(rows, w, q)
        if abs(t) < 1e-6:
            continue  # on the boundary: either answer is within rounding
        decided += 1
        net = _two_node(rows, w).net()
        states = net.spec.node("x").states
        if t > 0:
            mine = with_stated_marginals(net, {"x": list(q)})
            assert_allclose(posterior(mine, "x").probs, q, atol=1e-11)
        else:
            with pytest.raises(EvidenceError) as err:
                with_stated_marginals(net, {"x": list(q)})
            msg = str(err.value)
            zero = re.search(r"state '(\w+)' has probability 0 in every row", msg)
            if zero:
                assert not (rows[:, states.index(zero.group(1))] > 0).any()
                continue
            found = re.search(r"P\(x(?:=(\w+)| in \{([^}]*)\})\) (?:can be at most "
                              r"|between ([0-9.e-]+) and )([0-9.e-]+)", msg)
            assert found, msg
            named = [found.group(1)] if found.group(1) else found.group(2).split(", ")
            mask = np.isin(states, named)
            cap = float(found.group(4))
            allowed = rows > 0
            assert_allclose(cap, w @ allowed[:, mask].any(axis=1), rtol=1e-3)
            assert q[mask].sum() > cap
            if found.group(3) is not None:
                assert_allclose(float(found.group(3)), w @ ~allowed[:, ~mask].any(axis=1),
                                rtol=1e-3, atol=1e-12)
    assert decided >= 30  # of 40 random cases, the rest on the boundary


def test_per_state_ranges_that_hold_do_not_hide_the_broken_constraint() -> None:
    """Four states, rows {a, b} and {c, d} half each: every state may be 0 to 0.5, but a and b
    together must be 0.5; (0.4, 0.4, 0.1, 0.1) is refused naming {a, b}."""
    rows = np.array([[0.5, 0.5, 0, 0], [0, 0, 0.5, 0.5]])
    net = _two_node(rows, np.array([0.5, 0.5])).net()
    with pytest.raises(EvidenceError, match=r"P\(x in \{s0, s1\}\) can be at most 0\.5"):
        with_stated_marginals(net, {"x": [0.4, 0.4, 0.1, 0.1]})
    ok = with_stated_marginals(net, {"x": [0.1, 0.4, 0.2, 0.3]})
    assert_allclose(posterior(ok, "x").probs, [0.1, 0.4, 0.2, 0.3], atol=EXACT)


@pytest.mark.parametrize("tiny", [1e-9, 1e-12])
def test_a_rare_parent_configuration_does_not_block_the_current_marginal(tiny: float) -> None:
    """A parent state of probability 1e-9 whose row allows only some states: the node's current
    marginal, and one near it, are reachable (tolerances relative to the masses)."""
    rows = np.array([[0.7, 0.2, 0.1, 0.0], [0.0, 0.0, 0.0, 1.0], [0.5, 0.3, 0.0, 0.2]])
    w = np.array([0.6, tiny, 0.4 - tiny])
    net = _two_node(rows, w).net()
    current = posterior(net, "x").probs
    for q in (current, current * [1.01, 0.99, 1.0, 1.0] / (current @ [1.01, 0.99, 1, 1])):
        mine = with_stated_marginals(net, {"x": list(q)})
        assert_allclose(posterior(mine, "x").probs, q, atol=1e-12)


def test_bnlearn_insurance_this_car_cost_takes_its_own_marginal(tmp_path) -> None:
    """The page accepted, and the command it printed refused, ThisCarCost's own marginal
    (a parent configuration of probability ~1e-9): the command now answers."""
    import subprocess
    import sys

    from support.oracles import bnlearn_path

    path = bnlearn_path("insurance")
    net = load_network(path, normalize=True)
    q = posterior(net, "ThisCarCost").probs
    spec = ",".join(f"{s}:{p:.12g}" for s, p in zip(net.spec.node("ThisCarCost").states, q,
                                                     strict=True))
    run = subprocess.run([sys.executable, "-m", "cruxnet", "query", "ThisCarCost", "-m",
                          str(path), "--normalize", "--marginal", f"ThisCarCost={spec}",
                          "--json"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("seed", range(4))
def test_redraws_with_four_states_and_structural_zeros_always_find_a_marginal(seed: int) -> None:
    """A wide stated uncertainty on a four-state node whose rows have structural zeros: every
    draw's marginal is drawn again until its rows reach it (each candidate tested exactly), so
    no seed fails, and each draw's table gives the draw's marginal."""
    from cruxnet.inference.batched import source_for

    rows = np.array([[0.6, 0.3, 0.1, 0.0], [0.0, 0.2, 0.3, 0.5], [0.5, 0.0, 0.0, 0.5]])
    net = _two_node(rows, np.array([0.5, 0.3, 0.2])).net()
    mine = with_stated_marginals(net, {"x": {"p": [0.3, 0.15, 0.15, 0.4], "ess": 6}})
    src = source_for(mine, 500, seed, ess=30)
    post = posterior_draws(mine, "x", draws=500, seed=seed, ess=30)
    tables = src.block("x", 0, 500)
    parents = src.block("u", 0, 500)
    assert_allclose(np.einsum("mu,mux->mx", parents, tables), post.probs, atol=1e-10)
    assert "drawn again" in src.provenance.get("stated_marginals_redrawn", "")
