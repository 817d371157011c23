"""What the explorer page carries: the model, each worldview's point CPTs and parameter draws, the
junction tree and the contraction plan its engine runs, the layout, and provenance.

Point CPTs travel as float64, every row divided by its sum (the page's point posteriors equal
the Python engine's to 1e-12). Parameter draws travel as float32, in one of two forms:

* a node whose CPT form the page rebuilds (:data:`PAGE_FORMS`) travels as its form's program
  (:func:`form_program`) and the draws of the parameters it reads, a few numbers per draw
  (:func:`cruxnet.draws.values.record_parameters`); ``static/forms/<kind>.js`` rebuilds its table in
  every draw, orderings included;
* any other node (a table read from a network file, one tilted to a stated marginal) travels
  as table columns (:func:`encode_draws`): per row every state but one, only the columns that
  vary and are not copies of another, constant columns once as float64.

A node's draws equal to an earlier worldview's travel once. :func:`draws_dataset` rebuilds the
page's draws in Python from the same bytes (the Python forms replaying the same parameters), so
the page's intervals can be checked against the Python engine run on the very draws the page
holds (the float32 rounding moves an interval by about 1e-7 against the seeded draws).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.bundled import model_file
from cruxnet.base.types import NDArray
from cruxnet.base.version import cruxnet_version
from cruxnet.beliefs import Beliefs
from cruxnet.draws.streams import BLOCK
from cruxnet.draws.values import ReplayValues, cpt_name, record_parameters
from cruxnet.explorer.junction import JunctionTree, junction_tree
from cruxnet.inference.evidence import Evidence
from cruxnet.inference.plan import DrawPlan, draw_plan
from cruxnet.model.forms import PAGE_FORMS
from cruxnet.model.network import BayesNet
from cruxnet.model.spec import ModelSpec
from cruxnet.views.layout import Layout

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["b64", "decode_draws", "draws_dataset", "encode_draws",
           "evidence_json", "form_program", "page_data"]


def b64(arr: NDArray, dtype: str = "<f8") -> str:
    """Little-endian bytes of ``arr`` as base64 (what the page's ``Float64Array`` reads)."""
    return base64.b64encode(np.ascontiguousarray(arr, dtype=dtype).tobytes()).decode("ascii")


def _unb64(text: str, dtype: str) -> NDArray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype).astype(float)


def encode_draws(drawn: NDArray) -> dict[str, Any]:
    """One node's CPT draws ``(draws, *parents, card)`` in the page's compact form: per row,
    every state but the one with the largest mean over the draws (``drop``), which is one minus
    the others' sum (so its float32 rounding error stays relative to a large number)."""
    n, card = drawn.shape[0], drawn.shape[-1]
    rows = drawn.reshape(n, -1, card)
    drop = np.argmax(rows.mean(axis=0), axis=1)
    keep = np.ones(rows.shape[1:], dtype=bool)
    keep[np.arange(rows.shape[1]), drop] = False
    free = np.ascontiguousarray(rows[:, keep])  # (n, rows * (card - 1)), row by row
    constant = np.all(free == free[:1], axis=0)
    varying = np.flatnonzero(~constant)
    rounded = free[:, varying].astype("<f4")
    # Columns equal in every draw (a form that ignores a parent repeats its columns) go once.
    _, first, inverse = np.unique(rounded, axis=1, return_index=True, return_inverse=True)
    order = np.argsort(first)  # unique columns in order of first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    source = np.full(free.shape[1], -1, dtype=np.int64)
    source[varying] = rank[np.asarray(inverse).reshape(-1)]
    return {"card": int(card), "drop": drop.tolist(), "source": source.tolist(),
            "constant": b64(free[0, constant]), "data": b64(rounded[:, first[order]], "<f4")}


def decode_draws(enc: Mapping[str, Any], shape: Sequence[int], n: int) -> NDArray:
    """The CPT draws ``(n, *shape)`` the page rebuilds from :func:`encode_draws`' output: the
    dropped state is one minus the others' sum; a row whose rounded entries sum above 1 is
    divided by that sum (its dropped state is then 0). The page's JavaScript does the same."""
    card = int(enc["card"])
    source = np.asarray(enc["source"], dtype=np.int64)
    data = _unb64(enc["data"], "<f4").reshape(n, -1) if enc["data"] else np.zeros((n, 0))
    free = np.empty((n, source.size))
    free[:, source < 0] = _unb64(enc["constant"], "<f8")
    free[:, source >= 0] = data[:, source[source >= 0]]
    kept = free.reshape(n, -1, card - 1)
    total = np.zeros(kept.shape[:2])
    for s in range(card - 1):  # summed in order, as the page does
        total = total + kept[:, :, s]
    over = total > 1
    kept = np.where(over[:, :, None], kept / np.where(over, total, 1.0)[:, :, None], kept)
    rest = np.where(over, 0.0, 1.0 - total)
    drop = np.asarray(enc["drop"], dtype=np.int64)
    out = np.empty((n, kept.shape[1], card))
    mask = np.ones((kept.shape[1], card), dtype=bool)
    mask[np.arange(kept.shape[1]), drop] = False
    out[:, mask] = kept.reshape(n, -1)
    out[:, np.arange(kept.shape[1]), drop] = rest
    return out.reshape(n, *shape)


def draws_dataset(data: Mapping[str, Any], net: BayesNet, worldview: int = 0) -> xr.Dataset:
    """The parameter draws a page holds for one of its worldviews (``net``: that worldview's
    network), as the Dataset :func:`cruxnet.draw_parameters` returns: what the page's
    intervals come from. Give it to :class:`~cruxnet.draws.worldview.DatasetDraws` to run the
    Python engine on them. Tables the page rebuilds from their forms' parameters are rebuilt
    here by the Python forms from the same parameters.
    """
    import xarray as xr

    n = int(data["draws"])
    wv = data["worldviews"][worldview]
    spec = net.spec
    worldview_cpts = net.prior.cpts if net.prior is not None else {}
    out = {}
    for k, node in enumerate(spec.node_ids):
        dims = (*spec.node(node).parents, node)
        shape = tuple(spec.node(d).card for d in dims)
        coords = {d: list(spec.node(d).states) for d in dims}
        if node in wv.get("draws", {}):
            enc = wv["draws"][node]
            if "same_as" in enc:
                enc = data["worldviews"][enc["same_as"]]["draws"][node]
            arr = (_rebuild(spec, node, enc, n, worldview_cpts[node]) if "program" in enc
                   else decode_draws(enc, shape, n))
            out[cpt_name(spec, node)] = xr.DataArray(arr, dims=("draw", *dims),
                                                     coords={**coords, "draw": np.arange(n)},
                                                     attrs={"node": node})
        else:
            arr = _unb64(wv["cpts"][k], "<f8").reshape(shape)
            out[cpt_name(spec, node)] = xr.DataArray(arr, dims=dims, coords=coords,
                                                     attrs={"node": node})
    return xr.Dataset(out, attrs={"worldview": wv["name"], "draws": n, "seed": data["seed"],
                                  "method": "explorer page draws (float32)"})


def _rebuild(spec: ModelSpec, node: str, enc: Mapping[str, Any], n: int, form: Any) -> NDArray:
    """A node's CPT draws from the page's parameters, by the Python form (and orderings)."""
    arrays = [_decode_parameter(p, n, p["shape"]) for p in enc["params"]]
    return np.asarray(form.cpt(spec, ReplayValues(arrays, n)))


def evidence_json(ev: Evidence, spec: ModelSpec) -> dict[str, Any]:
    """Evidence in the page's (and ``window.cruxnet``'s) spelled-out form."""
    ev = ev.resolved(spec)
    lik = {n: dict(zip(spec.node(n).states, (float(x) for x in v), strict=True))
           for n, v in ev.likelihood.items()}
    return {"hard": dict(ev.hard), "do": dict(ev.do), "likelihood": lik}


def _rows_summing_to_one(cpt: NDArray) -> NDArray:
    """``cpt`` with every row divided by its sum. Rows a network file rounded may be off by up
    to 1e-9, which the Python engine never sees (it prunes barren nodes, whose rows' sums do
    not matter); a junction tree multiplies in every table, so the page's must be exact."""
    out: NDArray = cpt / cpt.sum(axis=-1, keepdims=True)
    return out


def form_program(spec: ModelSpec, form: Any, names: Sequence[str]) -> dict[str, Any]:
    """What the page's module for ``form`` (``static/forms/<kind>.js``) needs to rebuild its
    CPT draws from its parameter arrays: the form's own :meth:`~cruxnet.model.forms.CPTForm
    .page_program` (ids in the order :func:`cruxnet.draws.values.record_parameters` recorded
    ``names``)."""
    program = form.page_program(spec, names)
    if program is None:
        raise ValueError(f"form {form.kind!r} is not rebuilt in the page")
    return dict(program)


def _encode_parameter(kind: str, arr: NDArray) -> dict[str, Any]:
    if kind == "rows":
        return {"rows": encode_draws(arr)}
    if np.all(arr == arr[0]):
        return {"constant": float(arr[0])}
    return {"f32": b64(arr, "<f4")}


def _decode_parameter(enc: Mapping[str, Any], n: int, shape: Sequence[int]) -> NDArray:
    if "rows" in enc:
        return decode_draws(enc["rows"], shape, n)
    if "constant" in enc:
        return np.full(n, float(enc["constant"]))
    return _unb64(enc["f32"], "<f4")


def _node_draws(net: BayesNet, node: str, source: Any, n: int, seed: int,
                ess: float | None) -> dict[str, Any]:
    """One node's draws for the page: its form's parameters where the page can rebuild the
    table from them (a few numbers per draw instead of every entry), else table columns."""
    prior = net.prior
    form = prior.cpts[node] if prior is not None else None
    if (form is not None and form.kind in PAGE_FORMS and node not in net.marginals
            and prior is not None):
        # The parameters as drawn: those an ordering compares already coupled.
        rec = record_parameters(net.spec, prior, node, n, seed=seed, ess=ess)
        return {"program": form_program(net.spec, form, rec.names),
                "params": [dict(_encode_parameter(k, a), shape=list(a.shape[1:]))
                           for k, a in zip(rec.kinds, rec.arrays, strict=True)]}
    return encode_draws(np.asarray(source.block(node, 0, n)))


def _worldview_json(net: BayesNet, draws: int, seed: int, ess: float | None,
                    label: str) -> dict[str, Any]:
    spec = net.spec
    out: dict[str, Any] = {
        "name": net.worldview, "label": label,
        "cpts": [b64(_rows_summing_to_one(np.asarray(net.cpts[n]))) for n in spec.node_ids],
        "marginals": {n: list(m.probs) for n, m in net.marginals.items()},
        # Stated marginals the worldview file does not hold (given with --marginal): a
        # downloaded file must state them itself, with their uncertainty.
        "extra_marginals": {
            n: {"p": dict(zip(spec.node(n).states, m.probs, strict=True)),
                "ess": "exact" if m.exact or m.alpha is None else float(sum(m.alpha))}
            for n, m in net.marginals.items()
            if net.prior is None or net.prior.marginals.get(n) != m},
        "provenance": {k: str(v) for k, v in net.provenance.items()},
    }
    if draws:
        source = Beliefs(net, draws=draws, seed=seed, ess=ess).source
        out["draws"] = {n: _node_draws(net, n, source, draws, seed, ess)
                        for n in spec.node_ids if not source.is_fixed(n)}
    return out


def _model_argument(spec: ModelSpec) -> str:
    """What ``cruxnet query -m`` takes to load this model: "" for the default, a bundled
    model's name, or a model file's absolute path."""
    from cruxnet.catalog import DEFAULT_MODEL

    if not spec.file:
        return spec.name
    path = Path(spec.file).resolve()
    if path == model_file(spec.name).resolve():
        return "" if spec.name == DEFAULT_MODEL else spec.name
    return str(path)


def _shared_draws(worldviews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A node's draws that equal those of an earlier worldview (same table form and numbers:
    draws come from a stream per seed and node) travel once: ``{"same_as": k}``."""
    seen: dict[tuple[str, str], int] = {}
    for k, wv in enumerate(worldviews):
        for node, enc in list(wv.get("draws", {}).items()):
            key = (node, json.dumps(enc, sort_keys=True))
            if key in seen:
                wv["draws"][node] = {"same_as": seen[key]}
            else:
                seen[key] = k
    return worldviews


def page_data(nets: Sequence[BayesNet], layout: Layout, *, target: str, evidence: Evidence,
              draws: int, seed: int, ess: float | None = None, ci_prob: float = 0.9,
              labels: Sequence[str] | None = None, sources: Mapping[str, str] | None = None,
              junction: JunctionTree | None = None, plan: DrawPlan | None = None
              ) -> dict[str, Any]:
    """Everything the page needs, as JSON-ready data (see the module docstring).

    ``nets`` share one model (the first is shown first); ``sources`` maps a worldview's name to
    what a worldview file should ``extends:`` to reproduce it (a bundled name or a path);
    ``junction`` and ``plan`` when the caller has them already (else they are computed).
    """
    spec = nets[0].spec
    ids = spec.node_ids
    jt = junction if junction is not None else junction_tree(spec)
    plan = plan if plan is not None else draw_plan(spec, target, draws)
    state = spec.node(target).state_of_interest
    nodes = [{"id": n.id, "label": n.label or n.id, "states": list(n.states),
              "parents": [ids.index(p) for p in n.parents], "role": n.role,
              "headline": bool(n.headline), "definition": n.definition}
             for n in spec.nodes]
    labels = list(labels) if labels is not None else [net.worldview for net in nets]
    data: dict[str, Any] = {
        "format": 1,
        "model": {"name": spec.name, "title": spec.title or spec.name, "nodes": nodes,
                  "target": ids.index(target),
                  "state": spec.node(target).states.index(state),
                  "outcomes": [i for i, n in enumerate(spec.nodes) if n.role == "outcome"],
                  "file": _model_argument(spec)},
        "junction": jt.to_json(),
        "plan": plan.steps,
        "draws": int(draws), "seed": int(seed), "ci_prob": float(ci_prob),
        "block": BLOCK,
        "ess": ess,
        "worldviews": _shared_draws([_worldview_json(net, draws, seed, ess, lab)
                                     for net, lab in zip(nets, labels, strict=True)]),
        "sources": dict(sources or {}),
        "evidence": evidence_json(evidence, spec),
        "boxes": {n: [b.x, b.y, b.width, b.height] for n, b in layout.boxes.items()},
        "version": cruxnet_version(),
        "work": {"junction_entries": jt.total_size, "largest_clique": jt.largest,
                 "draw_plan": plan.work},
    }
    data["hash"] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
    return data

