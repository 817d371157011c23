"""Property-based tests (Hypothesis): random DAGs with random CPTs and random evidence of all
four kinds. The exact and batched engines agree with pgmpy (and pyAgrum) to 1e-9; posteriors
sum to 1; do() leaves non-descendants alone; conditioning on a root equals doing it; Jeffrey's
rule reproduces the fixed marginal.

cruxnet reads each network from BIF text written here; the oracles are built from the same
arrays through pgmpy's API (and one example through pgmpy's own BIF parser, to tie the two)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from support.bruteforce import SmallNet, awkward_cpts, bif_text, ipfp, marginal
from support.oracles import (
    agrum_from_pgmpy,
    agrum_query,
    pgmpy_from_bif_text,
    pgmpy_jeffrey,
    pgmpy_query,
)

from cruxnet import Evidence, load_network, posterior, posterior_draws
from cruxnet.base.errors import EvidenceError, ImpossibleEvidenceError
from cruxnet.draws.dataset import DatasetDraws
from cruxnet.draws.values import cpt_name
from cruxnet.model.network import BayesNet

TOL = 1e-9
EXAMPLES = 75
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@dataclass
class RandomNet:
    names: list[str]
    cards: list[int]
    parents: list[list[int]]
    cpts: list[np.ndarray]  # (*parent cards, card)
    bif: str

    def states(self, i: int) -> list[str]:
        return [f"s{k}" for k in range(self.cards[i])]

    def descendants(self, i: int) -> set[int]:
        out: set[int] = set()
        frontier = [i]
        while frontier:
            j = frontier.pop()
            for c, ps in enumerate(self.parents):
                if j in ps and c not in out:
                    out.add(c)
                    frontier.append(c)
        return out


def _dag(draw: st.DrawFn, min_nodes: int, max_nodes: int, max_card: int, max_parents: int
         ) -> tuple[int, list[int], list[list[int]]]:
    """A random DAG in topological order: node count, cards, parents by index."""
    n = draw(st.integers(min_nodes, max_nodes))
    cards = [draw(st.integers(2, max_card)) for _ in range(n)]
    parents = []
    for i in range(n):
        k = draw(st.integers(0, min(max_parents, i)))
        parents.append(sorted(draw(st.lists(st.integers(0, i - 1), min_size=k, max_size=k,
                                            unique=True))) if i else [])
    return n, cards, parents


@st.composite
def random_nets(draw: st.DrawFn, max_nodes: int = 25) -> RandomNet:
    n, cards, parents = _dag(draw, 2, max_nodes, 4, 3)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # Dirichlet(0.5) rows: some entries near 0, as elicited tables have.
    cpts = [rng.dirichlet(np.full(cards[i], 0.5), size=tuple(cards[p] for p in parents[i]))
            for i in range(n)]
    cpts = [np.clip(c, 1e-6, None) / np.clip(c, 1e-6, None).sum(-1, keepdims=True) for c in cpts]
    names = [f"n{i}" for i in range(n)]
    return RandomNet(names, cards, parents, cpts, bif_text(names, cards, parents, cpts))


@dataclass
class Case:
    net: RandomNet
    target: int
    hard: dict[str, str]
    likelihood: dict[str, list[float]]
    do: dict[str, str]
    fixed: dict[str, list[float]]  # at most one, and then no likelihood (the oracle's reach)

    def evidence(self) -> Evidence:
        return Evidence(hard=self.hard, likelihood=self.likelihood, do=self.do,
                        fixed={k: tuple(v) for k, v in self.fixed.items()})

    def oracle(self, cpts: list[np.ndarray]) -> np.ndarray:
        """pgmpy's answer for these tables: VE, with Jeffrey's rule by its definition."""
        net = self.net
        model = _pgmpy(net.names, net.cards, net.parents, cpts)
        target = net.names[self.target]
        if self.fixed:
            (node, q), = self.fixed.items()
            out = pgmpy_jeffrey(model, target, node, dict(zip(net.states(net.names.index(node)),
                                                               q, strict=True)),
                                self.hard, self.do)
        else:
            out = pgmpy_query(model, target, self.hard, self.likelihood, self.do)
        return _probs(out, net.cards[self.target])


@st.composite
def nets_with_evidence(draw: st.DrawFn) -> Case:
    net = draw(random_nets())
    n = len(net.names)
    target = draw(st.integers(0, n - 1))
    others = [i for i in range(n) if i != target]
    chosen = draw(st.lists(st.sampled_from(others), unique=True, max_size=min(4, len(others))))
    hard: dict[str, str] = {}
    lik: dict[str, list[float]] = {}
    do: dict[str, str] = {}
    fixed: dict[str, list[float]] = {}
    for j, i in enumerate(chosen):
        kinds = ["hard", "likelihood", "do"] + ([] if fixed else ["fixed"])
        kind = draw(st.sampled_from(kinds)) if j else "hard"
        if kind == "hard":
            hard[net.names[i]] = f"s{draw(st.integers(0, net.cards[i] - 1))}"
        elif kind == "likelihood":
            lik[net.names[i]] = [draw(st.floats(0.05, 1.0)) for _ in range(net.cards[i])]
        elif kind == "fixed":
            q = np.asarray([draw(st.floats(0.05, 1.0)) for _ in range(net.cards[i])])
            fixed[net.names[i]] = list(q / q.sum())
        else:
            do[net.names[i]] = f"s{draw(st.integers(0, net.cards[i] - 1))}"
    if fixed:
        lik = {}
    return Case(net, target, hard, lik, do, fixed)


def _pgmpy(names: list[str], cards: list[int], parents: list[list[int]],
           cpts: list[np.ndarray]) -> object:
    """pgmpy's model of the network, built from the arrays with its own API (pgmpy's BIF
    parser would do too, at 1-2 s a network)."""
    import warnings

    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    m = DiscreteBayesianNetwork()
    m.add_nodes_from(names)
    m.add_edges_from([(names[p], names[i]) for i, ps in enumerate(parents) for p in ps])
    for i, n in enumerate(names):
        ps = parents[i]
        vals = cpts[i].reshape(-1, cards[i]).T  # columns: the first parent varies slowest
        m.add_cpds(TabularCPD(n, cards[i], vals, evidence=[names[p] for p in ps] or None,
                              evidence_card=[cards[p] for p in ps] or None,
                              state_names={names[j]: [f"s{k}" for k in range(cards[j])]
                                           for j in [i, *ps]}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert m.check_model()
    return m


def _load(net: RandomNet) -> BayesNet:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "random.bif"
        path.write_text(net.bif)
        return load_network(str(path))


def _probs(d: dict[str, float], k: int) -> np.ndarray:
    return np.array([d[f"s{i}"] for i in range(k)])


@SETTINGS
@given(nets_with_evidence())
def test_exact_engine_matches_pgmpy_and_pyagrum(case: Case) -> None:
    net, t = case.net, case.target
    cn = _load(net)
    target = net.names[t]
    ours = posterior(cn, target, case.evidence())
    assert_allclose(ours.probs, case.oracle(net.cpts), atol=TOL, rtol=0)
    assert abs(float(np.sum(ours.probs)) - 1.0) < 1e-12
    if not case.do and not case.fixed:
        bn = agrum_from_pgmpy(_pgmpy(net.names, net.cards, net.parents, net.cpts))
        agrum = agrum_query(bn, target, case.hard, case.likelihood)
        assert_allclose(ours.probs, _probs(agrum, net.cards[t]), atol=TOL, rtol=0)


@SETTINGS
@given(nets_with_evidence(), st.integers(0, 2**32 - 1))
def test_batched_engine_matches_pgmpy_in_every_draw(case: Case, seed: int) -> None:
    import xarray as xr

    net, t = case.net, case.target
    cn = _load(net)
    spec = cn.spec
    # Two draws: the file's tables, and a second random set; each checked against pgmpy.
    rng = np.random.default_rng(seed)
    second = [rng.dirichlet(np.ones(c.shape[-1]), size=c.shape[:-1]) for c in net.cpts]
    data = {}
    for i, name in enumerate(net.names):
        node = spec.node(name)
        arr = np.stack([cn.cpts[name], second[i]])
        data[cpt_name(spec, name)] = xr.DataArray(arr, dims=("draw", *node.parents, name),
                                                  attrs={"node": name})
    draws = DatasetDraws(spec, xr.Dataset(data))
    post = posterior_draws(cn, net.names[t], case.evidence(), parameters=draws)
    for k, tables in enumerate([net.cpts, second]):
        assert_allclose(post.probs[k], case.oracle(tables), atol=TOL, rtol=0)
    assert_allclose(post.probs.sum(axis=1), 1.0, atol=1e-12)


@SETTINGS
@given(random_nets(), st.data())
def test_do_leaves_non_descendants_and_a_root_do_is_observing(net: RandomNet,
                                                             data: st.DataObject) -> None:
    cn = _load(net)
    n = len(net.names)
    x = data.draw(st.integers(0, n - 1))
    state = f"s{data.draw(st.integers(0, net.cards[x] - 1))}"
    do = Evidence(do={net.names[x]: state})
    below = net.descendants(x)
    for y in range(n):
        if y == x:
            continue
        after = posterior(cn, net.names[y], do).probs
        if y not in below:  # intervening on x cannot move what x does not cause
            assert_allclose(after, posterior(cn, net.names[y]).probs, atol=1e-12)
        if not net.parents[x]:  # a root: doing it is observing it
            seen = posterior(cn, net.names[y], Evidence(hard={net.names[x]: state})).probs
            assert_allclose(after, seen, atol=1e-12)


@SETTINGS
@given(random_nets(max_nodes=15), st.data())
def test_jeffrey_update_reproduces_the_fixed_marginal(net: RandomNet,
                                                      data: st.DataObject) -> None:
    cn = _load(net)
    n = len(net.names)
    node = data.draw(st.integers(0, n - 1))
    q = np.asarray(data.draw(st.lists(st.floats(0.05, 1.0), min_size=net.cards[node],
                                      max_size=net.cards[node])))
    q = q / q.sum()
    others = [i for i in range(n) if i != node]
    hard = {}
    if others and data.draw(st.booleans()):
        h = data.draw(st.sampled_from(others))
        hard[net.names[h]] = f"s{data.draw(st.integers(0, net.cards[h] - 1))}"
    ev = Evidence(hard=hard, fixed={net.names[node]: tuple(q)})
    assert_allclose(posterior(cn, net.names[node], ev).probs, q, atol=1e-9)
    # ... and every other node moves by Jeffrey's rule: sum_x q(x) P(y | x, hard).
    if others:
        y = data.draw(st.sampled_from(others))
        if net.names[y] not in hard:
            model = _pgmpy(net.names, net.cards, net.parents, net.cpts)
            expect = sum(q[i] * _probs(pgmpy_query(model, net.names[y],
                                                   {**hard, net.names[node]: f"s{i}"}),
                                       net.cards[y])
                         for i in range(net.cards[node]))
            assert_allclose(posterior(cn, net.names[y], ev).probs, expect, atol=1e-9)


def test_the_bif_text_is_the_network_the_oracles_get() -> None:
    """pgmpy's BIF parser reads the text written here as the arrays the oracles are built
    from (so cruxnet and the oracles see one network)."""
    found: list[RandomNet] = []

    @settings(max_examples=3, deadline=None, derandomize=True, database=None)
    @given(random_nets(max_nodes=8))
    def check(net: RandomNet) -> None:
        parsed = pgmpy_from_bif_text(net.bif)
        built = _pgmpy(net.names, net.cards, net.parents, net.cpts)
        for n in net.names:
            a, b = parsed.get_cpds(n), built.get_cpds(n)
            assert a.variables == b.variables
            assert_allclose(a.get_values(), b.get_values(), atol=1e-15)
        found.append(net)

    check()
    assert found


def test_the_generator_makes_large_and_awkward_networks() -> None:
    """The strategy reaches 25 nodes, 4 states and 3 parents (not only toy cases)."""
    seen = {"nodes": 0, "card": 0, "parents": 0}

    @settings(max_examples=60, deadline=None, derandomize=True, database=None)
    @given(random_nets())
    def record(net: RandomNet) -> None:
        seen["nodes"] = max(seen["nodes"], len(net.names))
        seen["card"] = max(seen["card"], max(net.cards))
        seen["parents"] = max(seen["parents"], max(len(p) for p in net.parents))

    record()
    assert seen["nodes"] >= 20 and seen["card"] == 4 and seen["parents"] == 3


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# ------------------------------------------------------------------ the corners of issue 13
@st.composite
def awkward_small_nets(draw: st.DrawFn) -> SmallNet:
    """Up to 6 nodes with 2-3 states whose CPTs have tiny entries (1e-3 .. 1e-9) and
    structural zeros: where iterative fitting crawls and where the crux finder's closed form
    meets impossible evidence."""
    n, cards, parents = _dag(draw, 3, 6, 3, 2)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return SmallNet([f"n{i}" for i in range(n)], cards, parents,
                    awkward_cpts(rng, cards, parents))


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(awkward_small_nets(), st.data())
def test_several_fixed_marginals_next_to_tiny_entries(small: SmallNet,
                                                      data: st.DataObject) -> None:
    """Jeffrey's rule with two or three fixed nodes equals brute-force iterative fitting of the
    fixed nodes' joint wherever that converges (never called impossible there), and where the
    engine says the marginals cannot hold, the fit indeed never converges."""
    n = len(small.names)
    k = data.draw(st.integers(2, min(3, n - 1)))
    fixed = sorted(data.draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k,
                                      unique=True)))
    qs = [np.asarray(data.draw(st.lists(st.floats(0.05, 1.0), min_size=small.cards[i],
                                        max_size=small.cards[i]))) for i in fixed]
    qs = [q / q.sum() for q in qs]
    target = data.draw(st.sampled_from([i for i in range(n) if i not in fixed]))
    names = [small.names[i] for i in fixed]
    table = marginal(small.joint(), small.names, names)
    fitted, converged = ipfp(table, qs, tol=1e-13, max_sweeps=50_000)
    ev = Evidence(fixed={nm: tuple(q) for nm, q in zip(names, qs, strict=True)})
    try:
        got = posterior(small.net(), small.names[target], ev).probs
    except (EvidenceError, ImpossibleEvidenceError):
        assert not converged, "a feasible case was called impossible"
        return
    for nm, q in zip(names, qs, strict=True):
        assert_allclose(posterior(small.net(), nm, ev).probs, q, atol=1e-11)
    if converged:
        full = marginal(small.joint(), small.names, [*names, small.names[target]])
        with np.errstate(invalid="ignore", divide="ignore"):
            cond = np.nan_to_num(full / full.sum(axis=-1, keepdims=True))
        expect = (fitted[..., None] * cond).reshape(-1, small.cards[target]).sum(axis=0)
        assert_allclose(got, expect, atol=1e-9)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(awkward_small_nets(), st.data())
def test_crux_finder_under_structural_zeros(small: SmallNet, data: st.DataObject) -> None:
    """Every shift the crux finder reports carries P(target) exactly to the threshold when the
    node's CPT is mixed that far towards the state (an exact query on the mixed network), and
    it never fails where a state would make the evidence impossible."""
    from cruxnet.sensitivity import Question, smallest_belief_change

    n = len(small.names)
    net = small.net()
    target = small.names[n - 1]
    h = data.draw(st.integers(0, n - 2))
    ev = Evidence(hard={small.names[h]: f"s{data.draw(st.integers(0, small.cards[h] - 1))}"})
    try:
        base = posterior(net, target, ev).probs[-1]
    except ImpossibleEvidenceError:
        return
    tau = data.draw(st.floats(0.02, 0.98))
    if abs(base - tau) < 1e-6:
        return
    ds = smallest_belief_change(Question(net, target, evidence=ev, draws=0), tau)
    for node in map(str, ds.node.values):
        lam = float(ds["shift"].sel(node=node))
        if not np.isfinite(lam):
            continue
        cpt = np.asarray(net.cpts[node], dtype=float)
        onehot = np.zeros(cpt.shape[-1])
        onehot[net.spec.node(node).states.index(str(ds.state.sel(node=node).values))] = 1
        mixed = net.with_cpt(node, (1 - lam) * cpt + lam * onehot)
        assert_allclose(posterior(mixed, target, ev).probs[-1], tau, atol=1e-8)


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(st.floats(np.log(0.3), np.log(300)), st.floats(np.log(0.3), np.log(300)),
       st.floats(0.01, 0.6), st.floats(0.1, 0.98))
def test_small_probability_quantile_fits(log_a: float, log_b: float, p1: float,
                                         gap: float) -> None:
    """Any Beta with a and b in [0.3, 300] is recovered from two of its quantiles (levels
    anywhere in (0.01, 0.99)), with no warning: small probabilities included."""
    import warnings

    from scipy import stats

    from cruxnet.model.elicit import ElicitationWarning, beta_from_quantiles

    a, b = float(np.exp(log_a)), float(np.exp(log_b))
    p2 = p1 + (0.99 - p1) * gap
    qs = {p1: float(stats.beta.ppf(p1, a, b)), p2: float(stats.beta.ppf(p2, a, b))}
    v1, v2 = qs[p1], qs[p2]
    if not (1e-250 < v1 < v2 < 1 - 1e-12) or (v2 - v1) < 1e-9 * v2:
        return  # not representable as two distinct quantiles in (0, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ElicitationWarning)
        fit = beta_from_quantiles(qs)
    assert_allclose((fit.a, fit.b), (a, b), rtol=1e-4)
