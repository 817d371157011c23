"""The evidence ledger: conjugate updates against closed forms, replay against direct queries,
bad lines named by number, the file never rewritten."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, stats

from cruxnet import Evidence, load_network, posterior, posterior_draws
from cruxnet.updating.ledger import LedgerError, read_ledger
from cruxnet.updating.replay import apply_entries, replay_ledger

BASE = {"citation": "a test", "date": "2026-05-01", "by": "tester"}


def _write(tmp_path, *entries, raw_lines=()):
    path = tmp_path / "ledger.jsonl"
    lines = ["# a ledger"] + [json.dumps({**BASE, **e}) for e in entries] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_data_entry_is_a_conjugate_update(tmp_path):
    net = load_network("crux_network", "gs_deference")
    form = net.prior.cpts["infosec_strong"]
    (means, ess), = form.rows.values()
    path = _write(tmp_path, {"kind": "data", "node": "infosec_strong",
                             "counts": {"no": 3, "yes": 1}, "given": {}})
    updated, ev = apply_entries(net, read_ledger(path, net.spec))
    assert ev.is_empty()
    a = np.asarray(means) * ess + np.array([3, 1])
    assert_allclose(updated.cpts["infosec_strong"], a / a.sum(), rtol=1e-12)
    # The drawn row is Beta(a_yes, a_no): its mean and variance over 20,000 draws.
    post = posterior_draws(updated, "infosec_strong", draws=20_000, seed=2)
    p = post["yes"]
    mean, var = a[1] / a.sum(), a[0] * a[1] / (a.sum() ** 2 * (a.sum() + 1))
    assert abs(p.mean() - mean) < 4 * np.sqrt(var / 20_000)
    assert_allclose(p.var(), var, rtol=0.05)
    assert updated.provenance["worldview_sha256"] != net.provenance["worldview_sha256"]


def test_the_trajectory_shows_the_node_a_data_entry_updated(tmp_path):
    """A data entry's node gets its own column, even when it is no headline crux: the step
    shows the conjugate update (closed form) that the counts made."""
    net = load_network("crux_network", "gs_deference")
    (means, ess), = net.prior.cpts["infosec_strong"].rows.values()
    path = _write(tmp_path, {"kind": "data", "node": "infosec_strong",
                             "counts": {"no": 1, "yes": 3}, "given": {}})
    ds = replay_ledger(net, read_ledger(path, net.spec), target="catastrophe",
                       cruxes=["scheming"], draws=50)
    col = ds["P(infosec_strong=yes)"].values
    a = np.asarray(means) * ess + np.array([1, 3])
    assert_allclose(col, [means[1], a[1] / a.sum()], rtol=1e-12)
    assert "P(scheming=yes)" in ds and "P(catastrophe=yes)" not in ds


@pytest.mark.slow
def test_replay_equals_direct_queries_and_is_deterministic(tmp_path):
    net = load_network("crux_network", "karnofsky_playbook")
    path = _write(tmp_path,
                  {"kind": "hard", "node": "deception_demonstrated", "state": "yes"},
                  {"kind": "likelihood", "node": "scheming", "weights": {"no": 1, "yes": 3}},
                  {"kind": "fixed", "node": "lead_time",
                   "marginal": {"about_1mo": 0.7, "to_6mo": 0.3}},
                  {"kind": "do", "node": "capability_restraint", "state": "pause"},
                  {"kind": "hard", "node": "deception_demonstrated", "state": "no"})
    entries = read_ledger(path, net.spec)
    ds = replay_ledger(net, entries, target="catastrophe", cruxes=["scheming"], draws=500,
                       seed=4)
    expected = [Evidence(),
                Evidence(hard={"deception_demonstrated": "yes"}),
                Evidence(hard={"deception_demonstrated": "yes"},
                         likelihood={"scheming": (1.0, 3.0)}),
                Evidence(hard={"deception_demonstrated": "yes"},
                         likelihood={"scheming": (1.0, 3.0)},
                         fixed={"lead_time": (0.0, 0.7, 0.3, 0.0, 0.0)}),
                Evidence(hard={"deception_demonstrated": "yes"},
                         likelihood={"scheming": (1.0, 3.0)},
                         fixed={"lead_time": (0.0, 0.7, 0.3, 0.0, 0.0)},
                         do={"capability_restraint": "pause"}),
                Evidence(hard={"deception_demonstrated": "no"},
                         likelihood={"scheming": (1.0, 3.0)},
                         fixed={"lead_time": (0.0, 0.7, 0.3, 0.0, 0.0)},
                         do={"capability_restraint": "pause"})]
    for k, ev in enumerate(expected):
        assert_allclose(float(ds.p[k]), posterior(net, "catastrophe", ev)["yes"], rtol=1e-10)
        assert_allclose(float(ds["P(scheming=yes)"][k]), posterior(net, "scheming", ev)["yes"],
                        rtol=1e-10)
        draws = posterior_draws(net, "catastrophe", ev, draws=500, seed=4)
        assert_allclose(float(ds["mean"][k]), draws["yes"].mean(), rtol=1e-12)
        crux = posterior_draws(net, "scheming", ev, draws=500, seed=4).summary(0.9)
        assert_allclose(ds["P(scheming=yes) interval"].values[k], crux.interval["yes"],
                        rtol=1e-12)
    assert list(ds.line.values) == [0, 2, 3, 4, 5, 6]
    again = replay_ledger(net, entries, target="catastrophe", cruxes=["scheming"], draws=500,
                          seed=4)
    assert again.identical(ds)


@pytest.mark.parametrize("line,needle", [
    ('{"kind": "hard", "node": "schemin", "state": "yes"', "line 3: not valid JSON"),
    (json.dumps({**BASE, "kind": "hard", "node": "schemin", "state": "yes"}),
     "line 3: unknown node 'schemin'"),
    (json.dumps({**BASE, "kind": "hard", "node": "scheming", "state": "maybe"}),
     "unknown state 'maybe' of scheming"),
    (json.dumps({**BASE, "kind": "guess", "node": "scheming"}), "kind must be one of"),
    (json.dumps({"kind": "hard", "node": "scheming", "state": "yes"}), "needs a non-empty"),
    (json.dumps({**BASE, "date": "May 1", "kind": "hard", "node": "scheming", "state": "yes"}),
     "date must be YYYY-MM-DD"),
    (json.dumps({**BASE, "kind": "data", "node": "infosec_strong", "counts": {"yes": -1}}),
     "counts[yes] must be a number >= 0"),
    (json.dumps({**BASE, "kind": "data", "node": "infosec_strong", "counts": {"yes": 1.5}}),
     "whole numbers"),
    (json.dumps({**BASE, "kind": "fixed", "node": "lead_time",
                 "marginal": {"under_2wk": 0.5, "to_2y": 0.2}}),
     "sums to 0.7, not 1: give the others too (about_1mo, to_6mo, over_2y)"),
    (json.dumps({**BASE, "kind": "hard", "node": "scheming", "state": "yes", "extra": 1}),
     "unknown key 'extra'"),
])
def test_bad_lines_are_named(tmp_path, line, needle):
    net = load_network("crux_network", "gs_deference")
    path = _write(tmp_path, {"kind": "hard", "node": "lead_time", "state": "to_6mo"},
                  raw_lines=[line])
    with pytest.raises(LedgerError) as info:
        read_ledger(path, net.spec)
    assert needle in str(info.value) and str(path) in str(info.value)


@pytest.mark.slow
def test_cli_update_reads_but_never_writes_the_ledger(tmp_path):
    path = _write(tmp_path, {"kind": "hard", "node": "deception_demonstrated", "state": "yes"},
                  {"kind": "data", "node": "catastrophe", "counts": {"yes": 1}})
    before = path.read_bytes()
    run = [sys.executable, "-m", "cruxnet", "update", str(path), "-n", "200"]
    proc = subprocess.run(run, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("cruxnet: error: ") and "line 3" in proc.stderr
    assert "no uncertainty" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before
    good = _write(tmp_path, {"kind": "hard", "node": "deception_demonstrated", "state": "yes"})
    proc = subprocess.run([*run[:4], str(good), "-n", "200"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "deception_demonstrated=yes" in proc.stdout and "prior" in proc.stdout


def test_k_of_n_is_counts_of_two_states(tmp_path):
    spec = load_network("honeypot_tests").spec
    path = _write(tmp_path, {"kind": "data", "node": "honeypot_caught", "k": 2, "n": 20},
                  {"kind": "data", "node": "honeypot_caught", "k": 3, "n": 5, "state": "no",
                   "cases": "same"})
    a, b = read_ledger(path, spec)
    assert a.counts == (18, 2) and a.cases == "independent"
    assert b.counts == (3, 2) and b.cases == "same"


@pytest.mark.parametrize("entry,match", [
    ({"k": 5, "n": 3}, "k = 5 is more than n = 3"),
    ({"k": -1, "n": 3}, "k must be a whole number >= 0"),
    ({"k": 1.5, "n": 3}, "k must be a whole number"),
    ({"k": float("nan"), "n": 3}, "k must be a whole number"),
    ({"k": 1}, "n must be a whole number"),
    ({"k": 1, "n": 3, "counts": {"no": 2, "yes": 1}}, "either 'counts' per state or 'k'"),
    ({"k": 1, "n": 3, "state": "maybe"}, "unknown state 'maybe'"),
    ({"counts": {"no": 2, "yes": 1}, "state": "yes"}, "'state' goes with 'k' of 'n'"),
    ({"counts": {"no": 0, "yes": 0}}, "not all zero"),
    ({"counts": {"no": -2, "yes": 1}}, ">= 0"),
    ({"k": 1, "n": 3, "cases": "some"}, "cases must be one of independent, same"),
])
def test_bad_data_entries_are_named(tmp_path, entry, match):
    spec = load_network("honeypot_tests").spec
    path = _write(tmp_path, {"kind": "data", "node": "honeypot_caught", **entry})
    with pytest.raises(LedgerError, match=match) as info:
        read_ledger(path, spec)
    assert "line 2" in str(info.value)


def test_k_of_n_needs_a_two_state_node(tmp_path):
    net = load_network("crux_network", "gs_deference")
    path = _write(tmp_path, {"kind": "data", "node": "lead_time", "k": 1, "n": 3})
    with pytest.raises(LedgerError, match="k of n is for two-state nodes; lead_time has 5"):
        read_ledger(path, net.spec)


@pytest.mark.slow
def test_update_reports_the_state_named_or_the_state_of_interest(tmp_path):
    """``--state`` names the target state; without it, the target's state of interest (for
    lead_time the shortest bin the model declares, not the last state)."""
    import json

    from cruxnet import Evidence, posterior

    path = _write(tmp_path, {"kind": "hard", "node": "deception_demonstrated", "state": "yes"})
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(hard={"deception_demonstrated": "yes"})
    base = [sys.executable, "-m", "cruxnet", "update", str(path), "-n", "100", "--json"]
    for extra, target, state in ((["--state", "no"], "catastrophe", "no"),
                                 (["--target", "lead_time"], "lead_time", "under_2wk")):
        proc = subprocess.run([*base, *extra], capture_output=True, text=True, timeout=120,
                              check=False)
        assert proc.returncode == 0, proc.stderr
        steps = json.loads(proc.stdout)["rows"]
        assert steps[0]["p"] == pytest.approx(posterior(net, target)[state], abs=1e-12)
        assert steps[1]["p"] == pytest.approx(posterior(net, target, ev)[state], abs=1e-12)
    bad = subprocess.run([*base, "--state", "maybe"], capture_output=True, text=True,
                         timeout=120, check=False)
    assert bad.returncode == 2 and "unknown state 'maybe' of catastrophe" in bad.stderr


# Issue 13, item 7: a same-system ledger entry gives the exact predictive.
@pytest.mark.parametrize(("k", "n"), [(0, 20), (3, 10)])
def test_same_system_ledger_predictive_is_exact(tmp_path, k, n):
    from cruxnet.updating.ledger import read_ledger
    from cruxnet.updating.replay import apply_entries

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


@pytest.mark.parametrize(("stated", "node", "counts"), [
    ({"scheming": {"yes": 0.08}}, "infosec_strong", {"no": 0, "yes": 7}),
    ({"bgd_exists": {"yes": 0.3}, "scheming": {"yes": {"mean": 0.15, "ess": 12}}},
     "infosec_strong", {"no": 9, "yes": 1}),
])
def test_a_persons_stated_marginals_survive_data_entries(tmp_path, stated, node, counts):
    """A data entry updates the tables, then the stated marginals hold again: the ledger on a
    personal view equals the personal view stated on the ledger-updated base worldview (the
    other order of the same two steps), at the point and in every parameter draw."""
    from cruxnet import with_stated_marginals

    base = load_network("crux_network", "gs_deference")
    mine = with_stated_marginals(base, stated)
    path = _write(tmp_path, {"kind": "data", "node": node, "counts": counts, "given": {}})
    entries = read_ledger(path, base.spec)
    after, _ = apply_entries(mine, entries)
    other_order = with_stated_marginals(apply_entries(base, entries)[0], stated)
    for n in stated:
        assert_allclose(posterior(after, n).probs, other_order.marginals[n].probs, atol=1e-12)
    for target in ("catastrophe", node, "elicitation_success"):
        assert_allclose(posterior(after, target).probs, posterior(other_order, target).probs,
                        atol=1e-12)
        assert_allclose(posterior_draws(after, target, draws=400, seed=3).probs,
                        posterior_draws(other_order, target, draws=400, seed=3).probs,
                        atol=1e-10)
    # and the data moved the node it is about
    assert abs(posterior(after, node)["yes"] - posterior(mine, node)["yes"]) > 0.05


def test_counts_of_a_stated_node_update_its_stated_marginal(tmp_path):
    """The stated marginal Dirichlet(alpha) is the prior of P(node): counts of independent
    cases make it Dirichlet(alpha + counts) (a closed form), and the node's table is tilted to
    that; counts given a parent are refused in one line."""
    from cruxnet import with_stated_marginals

    base = load_network("crux_network", "gs_deference")
    mine = with_stated_marginals(base, {"scheming": {"yes": {"mean": 0.1, "ess": 10}}})
    path = _write(tmp_path, {"kind": "data", "node": "scheming",
                             "counts": {"no": 2, "yes": 6}, "given": {}})
    after, _ = apply_entries(mine, read_ledger(path, base.spec))
    assert_allclose(posterior(after, "scheming")["yes"], (1 + 6) / (10 + 8), rtol=1e-12)
    post = posterior_draws(after, "scheming", draws=20_000, seed=5)["yes"]
    beta = stats.beta(7, 11)
    assert abs(post.mean() - beta.mean()) < 4 * beta.std() / np.sqrt(20_000)
    assert stats.kstest(post, beta.cdf).pvalue > 1e-3
    parent = base.spec.node("scheming").parents[0]
    given = _write(tmp_path, {"kind": "data", "node": "scheming", "counts": {"no": 2, "yes": 6},
                              "given": {parent: base.spec.node(parent).states[0]}})
    with pytest.raises(LedgerError, match="stated marginal"):
        apply_entries(mine, read_ledger(given, base.spec))


def test_a_later_entry_on_a_node_replaces_an_earlier_one_of_any_kind(tmp_path):
    """Reported uncertainly (fixed), then confirmed (hard): the replay answers as the
    confirmation alone does."""
    net = load_network("crux_network", "gs_deference")
    path = _write(tmp_path,
                  {"kind": "fixed", "node": "scheming", "marginal": {"no": 0.6, "yes": 0.4}},
                  {"kind": "likelihood", "node": "bgd_exists", "weights": {"no": 1, "yes": 3}},
                  {"kind": "hard", "node": "scheming", "state": "yes"},
                  {"kind": "do", "node": "bgd_exists", "state": "no"})
    entries = read_ledger(path, net.spec)
    _, ev = apply_entries(net, entries)
    assert ev == Evidence(hard={"scheming": "yes"}, do={"bgd_exists": "no"})
    ds = replay_ledger(net, entries, target="catastrophe", draws=50)
    want = posterior(net, "catastrophe", Evidence(hard={"scheming": "yes"},
                                                  do={"bgd_exists": "no"}))["yes"]
    assert_allclose(float(ds.p[-1]), want, rtol=1e-12)


def test_entries_name_the_states_their_numbers_are_for(tmp_path):
    """'k 0 of n 20' must not read as 'counts [20, 0]' (20 caught?): each number is named."""
    net = load_network("honeypot_tests")
    path = _write(tmp_path, {"kind": "data", "node": "honeypot_caught", "k": 0, "n": 20,
                             "cases": "same"},
                  {"kind": "likelihood", "node": "scheming", "weights": {"no": 1, "yes": 3}})
    data, lik = read_ledger(path, net.spec)
    states = net.spec.node("honeypot_caught").states
    assert data.describe() == (f"data honeypot_caught: counts {states[0]} 20, {states[1]} 0 "
                               "(same system)")
    assert lik.describe() == "likelihood(scheming: no 1, yes 3)"
