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
from oracles import (
    agrum_from_pgmpy,
    agrum_query,
    pgmpy_from_bif_text,
    pgmpy_jeffrey,
    pgmpy_query,
)

from cruxnet import Evidence, load_network, posterior, posterior_draws
from cruxnet.models.network import BayesNet
from cruxnet.priors.draws import DatasetDraws, cpt_name

TOL = 1e-9
EXAMPLES = 150
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


def _bif(names: list[str], cards: list[int], parents: list[list[int]],
         cpts: list[np.ndarray]) -> str:
    lines = ["network random {", "}"]
    for n, k in zip(names, cards, strict=True):
        states = ", ".join(f"s{i}" for i in range(k))
        lines.append(f"variable {n} {{\n  type discrete [ {k} ] {{ {states} }};\n}}")
    for i, n in enumerate(names):
        ps = parents[i]
        if not ps:
            vals = ", ".join(repr(float(x)) for x in cpts[i])
            lines.append(f"probability ( {n} ) {{\n  table {vals};\n}}")
            continue
        head = f"probability ( {n} | {', '.join(names[p] for p in ps)} ) {{"
        body = []
        for idx in np.ndindex(*cpts[i].shape[:-1]):
            cond = ", ".join(f"s{j}" for j in idx)
            body.append(f"  ({cond}) {', '.join(repr(float(x)) for x in cpts[i][idx])};")
        lines.append("\n".join([head, *body, "}"]))
    return "\n".join(lines) + "\n"


@st.composite
def random_nets(draw: st.DrawFn, max_nodes: int = 25) -> RandomNet:
    n = draw(st.integers(2, max_nodes))
    cards = [draw(st.integers(2, 4)) for _ in range(n)]
    parents = []
    for i in range(n):
        k = draw(st.integers(0, min(3, i)))
        parents.append(sorted(draw(st.lists(st.integers(0, i - 1), min_size=k, max_size=k,
                                            unique=True))) if i else [])
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # Dirichlet(0.5) rows: some entries near 0, as elicited tables have.
    cpts = [rng.dirichlet(np.full(cards[i], 0.5), size=tuple(cards[p] for p in parents[i]))
            for i in range(n)]
    cpts = [np.clip(c, 1e-6, None) / np.clip(c, 1e-6, None).sum(-1, keepdims=True) for c in cpts]
    names = [f"n{i}" for i in range(n)]
    return RandomNet(names, cards, parents, cpts, _bif(names, cards, parents, cpts))


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
