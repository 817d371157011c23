"""Reliability at the edges (issue 13): each answer that was wrong or wrongly refused, checked
against an independent computation (closed forms, brute force over the joint, SciPy), and each
input read too loosely or too strictly, checked for its exact error.

Items, in the issue's numbering:
 1  fixed marginals within the tolerance are normalised, one tolerance everywhere
 2  slowly converging fixed marginals are fitted exactly; infeasible ones named as such
 3  with draws, no feasible draw is dropped
 4  the crux finder ignores the spurious root where the evidence becomes impossible
 5  Beta quantile fits for small probabilities, and their warning
 6  sensitivity functions include the evidence nodes' entries; co-variation stated
 7  a same-system ledger entry gives the exact predictive
 8  value of information is centred on P(T | e) as documented
 9  likelihood evidence that leaves out states is an error
10  standard files with rounded rows load; rows really off do not
11  other tools' formats are named
12  validate and lint report what draws would refuse
13  report checks everything before computing, and leaves out only what cannot run
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, stats
from support.bruteforce import SmallNet, condition, ipfp, marginal, two_by_two_projection

from cruxnet import Evidence, load_network, posterior
from cruxnet.cli import main as cli
from cruxnet.errors import EvidenceError, SpecError
from cruxnet.inference.batched import posterior_draws, source_for
from cruxnet.priors.draws import BLOCK
from cruxnet.priors.elicit import (
    FIT_WARNING,
    ElicitationWarning,
    beta_from_interval,
    beta_from_quantiles,
)
from cruxnet.sensitivity import (
    Question,
    sensitivity_functions,
    smallest_belief_change,
    value_of_information,
)

EXACT = 1e-12


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        rc = cli(list(args))
    except SystemExit as exc:  # argparse's own errors
        rc = int(exc.code or 0)
    out = capsys.readouterr()
    return rc, out.out, out.err


def one_line_error(rc: int, err: str, *needles: str) -> None:
    lines = err.strip().splitlines()
    assert rc == 2, err
    assert len(lines) == 1 and lines[0].startswith("cruxnet: error: "), err
    for n in needles:
        assert n in lines[0], lines[0]


def chain(eps: float, z_rows: tuple[float, float] = (0.2, 0.7)) -> SmallNet:
    """X -> Y -> Z with P(Y = s0 | X = s0) = eps: fixing X and Y converges slowly by
    iterative fitting (the cross-product ratio of their joint is tiny)."""
    return SmallNet(["X", "Y", "Z"], [2, 2, 2], [[], [0], [1]],
                    [np.array([0.5, 0.5]), np.array([[eps, 1 - eps], [0.6, 0.4]]),
                     np.array([[1 - z_rows[0], z_rows[0]], [1 - z_rows[1], z_rows[1]]])])


# ------------------------------------------------------------------------------------ item 1
def test_fixed_marginal_within_tolerance_is_normalised(capsys):
    net = load_network("crux_network", "gs_deference")
    third = 0.3333333333
    ev = Evidence(fixed={"capability_restraint": (third, third, third)})
    exact = Evidence(fixed={"capability_restraint": (1 / 3, 1 / 3, 1 / 3)})
    assert ev.fixed["capability_restraint"] == pytest.approx((1 / 3,) * 3, abs=1e-16)
    assert_allclose(posterior(net, "catastrophe", ev).probs,
                    posterior(net, "catastrophe", exact).probs, atol=EXACT)
    rc, out, err = run(capsys, "query", "catastrophe", "--json", "--fixed",
                       "capability_restraint=weak:0.3333333333,hold:0.3333333333,"
                       "pause:0.3333333333")
    assert rc == 0, err
    assert_allclose(json.loads(out)["posterior"]["yes"],
                    posterior(net, "catastrophe", exact)["yes"], atol=EXACT)
    # 1.0000000000000002 is 1 within the tolerance, everywhere it may be written.
    rc, out, err = run(capsys, "query", "catastrophe", "--json", "--fixed",
                       "scheming=no:1.0000000000000002,yes:0")
    assert rc == 0, err
    assert_allclose(json.loads(out)["posterior"]["yes"],
                    posterior(net, "catastrophe", Evidence(hard={"scheming": "no"}))["yes"],
                    atol=EXACT)
    rc, _, err = run(capsys, "query", "catastrophe", "--fixed", "scheming=no:1.01,yes:0")
    one_line_error(rc, err, "outside [0, 1]")


def test_one_tolerance_in_worldview_files_and_ledgers(tmp_path, capsys):
    from cruxnet.priors.params import ParseContext, parse_param, parse_prob_vector

    ctx = ParseContext(file="w.yaml", node="n")
    assert parse_param(1.0000000000000002, "probability", "p", ctx).value == 1.0
    assert parse_param(-1e-12, "probability", "p", ctx).value == 0.0
    with pytest.raises(SpecError, match="outside"):
        parse_param(1.000001, "probability", "p", ctx)
    row = parse_prob_vector([0.3333333333, 0.3333333333, 0.3333333333], 3, "p", ctx)
    assert sum(row) == 1.0 and row[0] == pytest.approx(1 / 3, abs=1e-16)
    ledger = tmp_path / "l.jsonl"
    ledger.write_text(json.dumps({"kind": "fixed", "node": "capability_restraint", "marginal": {
        "weak": 0.3333333333, "hold": 0.3333333333, "pause": 0.3333333333},
        "citation": "c", "date": "2026-01-01", "by": "me"}) + "\n")
    from cruxnet.updating.ledger import read_ledger

    entry = read_ledger(ledger, load_network("crux_network").spec)[0]
    assert entry.vector == pytest.approx((1 / 3,) * 3, abs=1e-16) and sum(entry.vector) == 1
    rc, _, err = run(capsys, "update", str(ledger), "-n", "50")
    assert rc == 0, err


# ------------------------------------------------------------------------------------ item 2
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


# ------------------------------------------------------------------------------------ item 3
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


# ------------------------------------------------------------------------------------ item 4
def _mixed(net, node: str, state: str, lam: float):
    cpt = np.asarray(net.cpts[node], dtype=float)
    k = net.spec.node(node).states.index(state)
    onehot = np.zeros(cpt.shape[-1])
    onehot[k] = 1.0
    return net.with_cpt(node, (1 - lam) * cpt + lam * onehot)


def test_crux_finder_survives_evidence_made_impossible(capsys):
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(hard={"good_initialization": "yes"})
    rc, _, err = run(capsys, "sensitivity", "catastrophe", "-e", "good_initialization=yes",
                     "--method", "cruxes", "--threshold", "0.3", "--draws", "0")
    assert rc == 0, err
    q = Question(net, "catastrophe", evidence=ev, draws=0)
    ds = smallest_belief_change(q, 0.3)
    for node in ds.node.values:
        lam = float(ds["shift"].sel(node=node))
        if not np.isfinite(lam):
            continue
        state = str(ds.state.sel(node=node).values)
        # The reported shift really carries P(catastrophe) to the threshold ...
        got = posterior(_mixed(net, str(node), state, lam), "catastrophe", ev)["yes"]
        assert_allclose(got, 0.3, atol=1e-9)
        # ... and no smaller shift of any state does (a grid check of the first crossing).
        for s in net.spec.node(str(node)).states:
            for g in np.linspace(0, lam, 12)[1:-1]:
                try:
                    p = posterior(_mixed(net, str(node), s, g), "catastrophe", ev)["yes"]
                except Exception:
                    continue
                assert (p - 0.3) * (q.point() - 0.3) > 0


# ------------------------------------------------------------------------------------ item 5
def test_beta_from_a_small_probability_interval():
    fit = beta_from_interval(0.0063, 0.029, 0.9)
    q = stats.beta(fit.a, fit.b).ppf([0.05, 0.95])
    assert_allclose(q, [0.0063, 0.029], rtol=1e-8)
    ref = stats.beta(5, 300).ppf([0.05, 0.95])  # the reading: Beta(5, 300) fits both
    assert_allclose(ref, [0.0063, 0.029], rtol=0.05)
    assert fit.mean == pytest.approx(5 / 305, rel=0.05)
    assert fit.error < 1e-6


A_B = [0.3, 1, 3, 30, 300]
LEVELS = [(0.05, 0.95), (0.1, 0.9), (0.25, 0.75), (0.01, 0.5), (0.5, 0.99), (0.1, 0.5, 0.9)]


@pytest.mark.parametrize("levels", LEVELS, ids=str)
def test_beta_quantile_fits_recover_every_feasible_beta(levels):
    tried = 0
    for a in A_B:
        for b in A_B:
            qs = {p: float(stats.beta.ppf(p, a, b)) for p in levels}
            if not all(0 < v < 1 for v in qs.values()) or len(set(qs.values())) < len(qs):
                continue  # not expressible as quantiles in (0, 1) at float precision
            tried += 1
            with warnings.catch_warnings():
                warnings.simplefilter("error", ElicitationWarning)
                fit = beta_from_quantiles(qs)
            assert_allclose((fit.a, fit.b), (a, b), rtol=1e-5, err_msg=f"{a}, {b}, {qs}")
    assert tried >= 20


def test_beta_quantile_misfit_warns_on_relative_error():
    # 0.001 and 0.5 as 5% and 10% quantiles: no Beta has both; the miss is relative.
    with pytest.warns(ElicitationWarning, match="%"):
        fit = beta_from_quantiles({0.05: 0.001, 0.1: 0.5, 0.9: 0.6})
    assert fit.error > FIT_WARNING


# ------------------------------------------------------------------------------------ item 6
def test_sensitivity_functions_include_evidence_nodes(capsys):
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(hard={"deception_demonstrated": "yes"},
                  likelihood={"behavioral_tests_valid": (1.0, 2.5)})
    ds = sensitivity_functions(Question(net, "catastrophe", evidence=ev, draws=0))
    nodes = set(map(str, ds.node.values))
    assert {"deception_demonstrated", "behavioral_tests_valid", "catastrophe"} <= nodes
    assert "proportional" in ds.attrs["covariation"]
    # Each function, for evidence nodes' entries and a sample of others, equals a direct query
    # on the network with that entry set (the row co-varied proportionally) at random theta.
    rng = np.random.default_rng(3)
    labels = [str(p) for p in ds.parameter.values]
    pick = [p for p in labels if p.startswith(("P(deception_demonstrated", "P(behavioral"))]
    pick += list(rng.choice(labels, 12, replace=False))
    for label in pick:
        row = ds.sel(parameter=label)
        node = str(row.node.values)
        spec = net.spec.node(node)
        head, _, cond = label[2:-1].partition(" | ")
        state = head.split("=", 1)[1]
        given = dict(c.split("=") for c in cond.split(", ")) if cond else {}
        idx = tuple(net.spec.node(p).states.index(given[p]) for p in spec.parents)
        cpt = np.array(net.cpts[node], dtype=float)
        x = spec.states.index(state)
        for theta in rng.uniform(0, 1, 2):
            old = cpt[idx].copy()
            if old[x] < 1:  # the others scaled proportionally ...
                new = old * (1 - theta) / (1 - old[x])
            else:  # ... or, all being 0, shared equally
                new = np.full_like(old, (1 - theta) / (len(old) - 1))
            new[x] = theta
            cpt2 = cpt.copy()
            cpt2[idx] = new
            direct = posterior(net.with_cpt(node, cpt2), "catastrophe", ev)["yes"]
            f = (float(row.a) * theta + float(row.b)) / (float(row.c) * theta + float(row.d))
            assert_allclose(f, direct, atol=1e-10, err_msg=label)
    rc, out, _ = run(capsys, "sensitivity", "catastrophe", "-e", "deception_demonstrated=yes",
                     "--method", "functions", "--draws", "0", "--top", "3")
    assert rc == 0 and "co-variation" in out and "proportional" in out
    rc, out, _ = run(capsys, "sensitivity", "catastrophe", "-e", "deception_demonstrated=yes",
                     "--method", "functions", "--draws", "0", "--json")
    assert "proportional" in json.loads(out)["attrs"]["covariation"]


# ------------------------------------------------------------------------------------ item 7
@pytest.mark.parametrize(("k", "n"), [(0, 20), (3, 10)])
def test_same_system_ledger_predictive_is_exact(tmp_path, k, n):
    from cruxnet.updating.ledger import apply_entries, read_ledger

    net = load_network("honeypot_tests")
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps({"kind": "data", "node": "honeypot_caught", "k": k, "n": n,
                                "state": "yes", "cases": "same", "citation": "c",
                                "date": "2026-01-01", "by": "me"}) + "\n")
    updated, ev = apply_entries(net, read_ledger(path, net.spec))
    # Closed form by quadrature: P(c | k of n) from each configuration's Beta-binomial, and
    # P(next caught | c, k of n) = E[theta | k of n] under row c's Beta prior.
    form = net.prior.cpts["honeypot_caught"]
    p_s, p_r = net.cpts["scheming"][1], net.cpts["tests_recognised"][1]
    weights, pred = [], []
    for s in ("no", "yes"):
        for r in ("no", "yes"):
            mean, ess = form.rows[(s, r)]
            a, b = mean[1] * ess, mean[0] * ess

            def lik(t, a=a, b=b):
                return stats.binom.pmf(k, n, t) * stats.beta.pdf(t, a, b)

            z, _ = integrate.quad(lik, 0, 1, epsabs=1e-15, limit=200)
            m1, _ = integrate.quad(lambda t, f=lik: t * f(t), 0, 1, epsabs=1e-15, limit=200)
            prior = (p_s if s == "yes" else 1 - p_s) * (p_r if r == "yes" else 1 - p_r)
            weights.append(prior * z)
            pred.append(m1 / z)
    w = np.array(weights) / sum(weights)
    assert_allclose(posterior(updated, "honeypot_caught", ev)["yes"], w @ np.array(pred),
                    rtol=1e-7)
    assert_allclose(posterior(updated, "scheming", ev)["yes"], w[2] + w[3], rtol=1e-7)


# ------------------------------------------------------------------------------------ item 8
def test_voi_under_a_fixed_marginal_is_centred_on_the_posterior():
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(fixed={"scheming": (0.7, 0.3)})
    q = Question(net, "catastrophe", evidence=ev, draws=0)
    ds = value_of_information(q, ["lead_time", "bgd_exists"])
    base = posterior(net, "catastrophe", ev).probs
    for node in ("lead_time", "bgd_exists"):
        p_x = posterior(net, node, ev).probs
        q_x = np.array([posterior(net, "catastrophe", ev.observe(**{node: s})).probs
                        for s in net.spec.node(node).states])
        vr = float(p_x @ (q_x[:, 1] - base[1]) ** 2)
        shift = float(p_x @ np.abs(q_x[:, 1] - base[1]))

        def h(p):
            return -float(np.sum(np.where(p > 0, p * np.log(p), 0)))

        mi = h(base) - sum(p * h(r) for p, r in zip(p_x, q_x, strict=True))
        row = ds.sel(node=node)
        assert_allclose(float(row.variance_reduction), vr, atol=EXACT)
        assert_allclose(float(row.expected_shift), shift, atol=EXACT)
        assert_allclose(float(row.mutual_information), mi, atol=EXACT)


# ------------------------------------------------------------------------------------ item 9
def test_likelihood_leaving_out_states_is_an_error(tmp_path, capsys):
    from support.oracles import bnlearn_path

    from cruxnet.updating.ledger import LedgerError, read_ledger

    asia = str(bnlearn_path("asia"))
    rc, _, err = run(capsys, "query", "lung", "--model", asia, "--likelihood", "smoke=yes:0.5")
    one_line_error(rc, err, "leaves out state 'no'", "smoke")
    net = load_network("crux_network")
    with pytest.raises(EvidenceError, match="leaves out states 'under_2wk', 'to_2y', 'over_2y'"):
        posterior(net, "catastrophe", Evidence(likelihood={"lead_time": {"about_1mo": 2,
                                                                         "to_6mo": 1}}))
    # A full mapping is the same as the vector.
    full = Evidence(likelihood={"scheming": {"yes": 3, "no": 1}})
    assert_allclose(posterior(net, "catastrophe", full).probs,
                    posterior(net, "catastrophe", Evidence(likelihood={"scheming": (1, 3)})).probs,
                    atol=EXACT)
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps({"kind": "likelihood", "node": "scheming", "weights": {"yes": 3},
                                "citation": "c", "date": "2026-01-01", "by": "me"}) + "\n")
    with pytest.raises(LedgerError, match=r"line 1: .*leave out 'no'"):
        read_ledger(path, net.spec)


# ----------------------------------------------------------------------------------- item 10
@pytest.mark.parametrize("name", ["alarm", "hepar2", "sachs", "water"])
def test_standard_files_with_rounded_rows_load(name, capsys):
    import gzip

    from support.oracles import bnlearn_path, pgmpy_bnlearn, pgmpy_query

    from cruxnet.io.bif import RoundedRowsWarning

    path = bnlearn_path(name)
    with pytest.warns(RoundedRowsWarning, match="CPT rows? summed to 1 only up to"):
        net = load_network(path)
    # The count equals the rows of the file (read by pgmpy's own parser) off by over 1e-9.
    from pgmpy.readwrite import BIFReader

    with gzip.open(path, "rt") as fh:
        raw = BIFReader(string=fh.read()).get_model()
    off = sum(int((np.abs(cpd.values.reshape(cpd.variable_card, -1).sum(axis=0) - 1) > 1e-9)
                  .sum()) for cpd in raw.get_cpds())
    assert net.provenance["normalized_rows"] == str(off) and off > 0
    # And the answers are pgmpy's (on the normalised rows).
    target = net.spec.node_ids[-1]
    oracle = pgmpy_query(pgmpy_bnlearn(name), target)
    assert_allclose(posterior(net, target).probs,
                    [oracle[s] for s in net.spec.node(target).states], atol=1e-9)
    rc, _, err = run(capsys, "validate", str(path))
    assert rc == 0 and f"cruxnet: note: {path}" in err and "normalised" in err


def test_rows_really_off_stay_errors(tmp_path, capsys):
    small = SmallNet(["A", "B"], [2, 3], [[], [0]],
                     [np.array([0.4, 0.6]), np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])])
    text = small.bif()
    cases = {
        "0.99, 0.0": ("0.4, 0.6", "0.99, 0.0", False),          # 0.99: off by 0.01
        "0.01, 0.98": ("0.4, 0.6", "0.01, 0.98", False),        # at the edge of 2-digit rounding
        "0.33, 0.33, 0.33": ("0.2, 0.3, 0.5", "0.33, 0.33, 0.33", True),  # 1/3 to 2 digits
        "0.4000001, 0.6": ("0.4, 0.6", "0.4000001, 0.6", False),  # off by 1e-7 with 7 digits
        "0.39999999, 0.6": ("0.4, 0.6", "0.39999999, 0.6", False),
        "0.4, 0.59999999": ("0.4, 0.6", "0.4, 0.59999999", False),
    }
    for label, (old, new, ok) in cases.items():
        bad = text.replace(repr(0.4) + ", " + repr(0.6), new) if old == "0.4, 0.6" else \
            text.replace("0.2, 0.3, 0.5", new)
        assert bad != text, label
        f = tmp_path / "n.bif"
        f.write_text(bad)
        rc, _, err = run(capsys, "validate", str(f))
        dev = abs(sum(float(x) for x in new.split(",")) - 1)
        half = sum(0.5 * 10.0 ** -len(x.strip().split(".")[1]) for x in new.split(",")
                   if "." in x)
        explained = dev <= 1e-9 or dev < half
        if ok:
            assert explained
        if explained:
            assert rc == 0, (label, err)
        else:
            one_line_error(rc, err, "--normalize", "node", "n.bif")
            assert run(capsys, "validate", str(f), "--normalize")[0] == 0


# ----------------------------------------------------------------------------------- item 11
@pytest.mark.parametrize(("suffix", "name"), [(".xdsl", "GeNIe"), (".net", "Hugin"),
                                              (".dne", "Netica"), (".dsl", "GeNIe")])
def test_other_tools_formats_are_named(tmp_path, capsys, suffix, name):
    f = tmp_path / f"model{suffix}"
    f.write_text("whatever: 1\n")
    for args in (["validate", str(f)], ["query", "x", "--model", str(f)]):
        rc, _, err = run(capsys, *args)
        one_line_error(rc, err, name, "supported", "BIF", "XMLBIF")


# ----------------------------------------------------------------------------------- item 12
def _bare_ratio_worldviews(tmp_path: Path) -> Path:
    from cruxnet.catalog import WORLDVIEWS_DIR

    for f in (WORLDVIEWS_DIR / "crux_network").glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    shared = tmp_path / "_shared.yaml"
    shared.write_text("\n".join(line for line in shared.read_text().splitlines()
                                if not line.startswith("default_sd_log")) + "\n")
    return tmp_path / "gs_deference.yaml"


def test_validate_and_lint_report_what_draws_refuse(tmp_path, capsys):
    wv = _bare_ratio_worldviews(tmp_path)
    rc, _, err = run(capsys, "query", "catastrophe", "-w", str(wv), "--draws", "20")
    one_line_error(rc, err, "states no uncertainty")
    refused = err.split("node ")[1].split(":")[0]
    rc, out, err = run(capsys, "validate", str(wv), "--model", "crux_network")
    assert rc == 0 and "ok" in out
    warned = [line for line in err.splitlines() if line.startswith("cruxnet: warning:")]
    assert any(f"node {refused}:" in w and "parameter" in w for w in warned), err
    rc, out, err = run(capsys, "lint", str(wv), "--draws", "0", "--json")
    findings = json.loads(out)["findings"]
    assert any(f["kind"] == "no-uncertainty" and f["node"] == refused for f in findings)
    # The bundled worldviews have none.
    from cruxnet.catalog import WORLDVIEWS_DIR

    rc, out, err = run(capsys, "validate", "--model", "crux_network",
                       str(WORLDVIEWS_DIR / "crux_network" / "karnofsky_playbook.yaml"))
    assert rc == 0 and "warning" not in err


# ----------------------------------------------------------------------------------- item 13
def test_report_checks_before_computing_and_leaves_out_what_cannot_run(tmp_path, monkeypatch):
    from cruxnet.errors import ImpossibleEvidenceError
    from cruxnet.report import build as report_build
    from cruxnet.report import build_report

    def no_computing(*args, **kwargs):
        raise AssertionError("a section was computed before the inputs were checked")

    with monkeypatch.context() as m:
        m.setattr(report_build, "compute_section", no_computing)
        with pytest.raises(EvidenceError, match="cannot all hold together"):
            build_report(evidence=Evidence(fixed={"catastrophe": (0.9, 0.1),
                                                  "misaligned_takeover": (0.5, 0.5)}))
        with pytest.raises(ImpossibleEvidenceError):
            build_report(evidence=Evidence(hard={"catastrophe": "yes",
                                                 "misaligned_takeover": "no",
                                                 "exogenous_catastrophe": "no"}))
        with pytest.raises(SpecError, match="states no uncertainty"):
            build_report(worldviews=[str(_bare_ratio_worldviews(tmp_path))])
    # Under a fixed marginal the report runs and says why the belief-change finder is out.
    rep = build_report(worldviews=["gs_deference"], evidence=Evidence(
        fixed={"scheming": (0.6, 0.4)}), draws=300, analysis_draws=100, sobol_samples=64,
        seed=2)
    sec = rep.sections[0]
    assert sec.belief_change is None and "fixed marginal" in sec.left_out["belief_change"]
    assert sec.observations.sizes["node"] > 0


def test_the_sweeps_fallback_for_large_joints_agrees_or_says_slow(monkeypatch):
    """Fixed nodes whose joint exceeds JOINT_LIMIT are fitted by proportional-fitting sweeps:
    the same answer where that converges, a ConvergenceError (not "impossible") where it
    stalls."""
    from cruxnet.errors import ConvergenceError
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
