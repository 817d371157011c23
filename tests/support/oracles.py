"""Independent oracles: pgmpy and pyAgrum, fed from pgmpy's own BIF parser (not cruxnet's).

Every function here computes posteriors without calling cruxnet's engine, so a test that
compares the two can fail if cruxnet is wrong.
"""

from __future__ import annotations

import copy
import gzip
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pgmpy
    import pyagrum as gum
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.inference import VariableElimination
    from pgmpy.readwrite import BIFReader

BNLEARN_DIR = Path(pgmpy.__file__).parent / "utils" / "example_models"


def bnlearn_path(name: str) -> Path:
    """Path of a bnlearn network that pgmpy ships."""
    return BNLEARN_DIR / f"{name}.bif.gz"


def _normalized(model: Any) -> Any:
    for cpd in model.get_cpds():
        vals = cpd.values
        cpd.values = vals / vals.sum(axis=0, keepdims=True)
    return model


@cache
def pgmpy_bnlearn(name: str) -> Any:
    """pgmpy's model of a bnlearn network, rows normalised as cruxnet's --normalize does."""
    with gzip.open(bnlearn_path(name), "rt") as fh:
        text = fh.read()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _normalized(BIFReader(string=text).get_model())


def pgmpy_from_bif_text(text: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BIFReader(string=text).get_model()


def _states(model: Any, node: str) -> list[str]:
    return [str(s) for s in model.get_cpds(node).state_names[node]]


def pgmpy_query(model: Any, target: str, hard: dict[str, str] | None = None,
                likelihood: dict[str, list[float]] | None = None,
                do: dict[str, str] | None = None) -> dict[str, float]:
    """P(target | hard, likelihood; do) with pgmpy VE.

    do: a mutilated copy (incoming edges cut, point-mass CPD). likelihood: Pearl's construction,
    an auxiliary child with P(obs | x) proportional to the likelihood, observed.
    """
    m = model
    if do or likelihood:
        m = copy.deepcopy(model)
    for node, state in (do or {}).items():
        states = _states(m, node)
        for p in list(m.get_parents(node)):
            m.remove_edge(p, node)
        m.remove_cpds(m.get_cpds(node))
        vals = [[1.0] if s == state else [0.0] for s in states]
        m.add_cpds(TabularCPD(node, len(states), vals, state_names={node: states}))
    ev = dict(hard or {})
    for i, (node, lam) in enumerate((likelihood or {}).items()):
        aux = f"__aux{i}"
        lam_arr = np.asarray(lam, dtype=float) / max(lam)
        m.add_edge(node, aux)
        m.add_cpds(TabularCPD(aux, 2, [list(lam_arr), list(1 - lam_arr)], evidence=[node],
                              evidence_card=[len(lam_arr)],
                              state_names={aux: ["obs", "other"], node: _states(m, node)}))
        ev[aux] = "obs"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if target in ev:
            return {s: float(s == ev[target]) for s in _states(m, target)}
        q = VariableElimination(m).query([target], evidence=ev or None, show_progress=False)
    names = [str(s) for s in q.state_names[target]]
    return dict(zip(names, (float(x) for x in q.values), strict=True))


def pgmpy_jeffrey(model: Any, target: str, node: str, q: dict[str, float],
                  hard: dict[str, str] | None = None, do: dict[str, str] | None = None
                  ) -> dict[str, float]:
    """Jeffrey's rule by its definition: sum_x q(x) P(target | node=x, hard; do)."""
    out: dict[str, float] = {}
    for state, weight in q.items():
        if weight == 0:
            continue
        post = pgmpy_query(model, target, {**(hard or {}), node: state}, do=do)
        for s, p in post.items():
            out[s] = out.get(s, 0.0) + weight * p
    return out


@cache
def agrum_from_pgmpy_name(name: str) -> Any:
    return agrum_from_pgmpy(pgmpy_bnlearn(name))


def agrum_from_pgmpy(model: Any) -> Any:
    """The same network in pyAgrum, built through its API (its BIF parser rejects some names)."""
    bn = gum.BayesNet("oracle")
    for node in model.nodes():
        bn.add(gum.LabelizedVariable(node, node, _states(model, node)))
    for cpd in model.get_cpds():
        for p in cpd.variables[1:]:
            bn.addArc(p, cpd.variable)
    for cpd in model.get_cpds():
        child, parents = cpd.variable, cpd.variables[1:]
        vals = cpd.values  # (child, *parents)
        pstates = [cpd.state_names[p] for p in parents]
        for idx in np.ndindex(*vals.shape[1:]):
            key = {p: str(pstates[k][i]) for k, (p, i) in enumerate(zip(parents, idx, strict=True))}
            bn.cpt(child)[key] = [float(x) for x in vals[(slice(None), *idx)]]
    return bn


def agrum_query(bn: Any, target: str, hard: dict[str, str] | None = None,
                likelihood: dict[str, list[float]] | None = None) -> dict[str, float]:
    """P(target | hard, likelihood) with pyAgrum's LazyPropagation (soft evidence = likelihood)."""
    ie = gum.LazyPropagation(bn)
    ev: dict[str, Any] = dict(hard or {})
    ev.update({k: list(v) for k, v in (likelihood or {}).items()})
    if ev:
        ie.setEvidence(ev)
    ie.makeInference()
    post = ie.posterior(target)
    var = bn.variable(target)
    return {var.label(i): float(post.toarray()[i]) for i in range(var.domainSize())}


def chromium_path() -> str:
    """Debian's chromium, which the browser tests drive (a clear failure if it is missing)."""
    import shutil

    import pytest

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium is not installed: `sudo apt-get install chromium` (or `make "
                    "chromium`), then rerun the tests")
    return path
