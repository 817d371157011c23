"""Elicitation records pooled into a worldview: experts' distributions for each target are pooled
(:func:`~cruxnet.model.elicit.pool_distributions`: linear, log, or the hierarchical PyMC model
of :mod:`cruxnet.updating.hierarchical`) and written into a complete worldview
(:func:`compile_elicitation`) that can be saved and queried like any other; reading the records
is :mod:`cruxnet.updating.records`."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.base.writer import write_atomic
from cruxnet.files.worldview import read_worldview_file, worldview_from_mapping
from cruxnet.model.elicit import (
    Distribution,
    ElicitationError,
    pool_distributions,
)
from cruxnet.model.forms import TableForm
from cruxnet.model.paths import path_get, path_set
from cruxnet.model.spec import ModelSpec
from cruxnet.model.worldview import Worldview
from cruxnet.updating.records import ElicitationRecords, Target, records_error

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["CompiledElicitation", "compile_elicitation", "pooled_parameter_draws"]


# ----------------------------------------------------------------------------------- compiling
@dataclass(frozen=True)
class CompiledElicitation:
    """A pooled worldview and how each target's numbers came about."""

    records: ElicitationRecords
    worldview: Worldview
    mapping: dict[str, Any]
    pooled: Mapping[Target, Distribution]
    idata: Any = None  # arviz.InferenceData of a hierarchical pool

    def summary(self) -> xr.Dataset:
        """Per target and expert: the expert's point value (P(state) or the ratio's median),
        weight, fit error and record date; and the pooled value and spread (ess or sd_log)."""
        import xarray as xr

        current = self.records.current()
        targets = list(self.pooled)
        experts = sorted(self.records.weights)
        vals = np.full((len(targets), len(experts)), np.nan)
        errs = np.full_like(vals, np.nan)
        when = np.full(vals.shape, "", dtype=object)
        for i, t in enumerate(targets):
            for j, e in enumerate(experts):
                rec = current[t].get(e)
                if rec is not None:
                    vals[i, j] = _headline(rec.distribution)
                    errs[i, j] = rec.fit_error if rec.fit_error is not None else np.nan
                    when[i, j] = rec.when
        pooled = [_headline(self.pooled[t]) for t in targets]
        spread = [self.pooled[t].ess for t in targets]
        return xr.Dataset(
            {"expert_value": (("target", "expert"), vals),
             "fit_error": (("target", "expert"), errs),
             "when": (("target", "expert"), when.astype(str)),
             "pooled_value": ("target", pooled), "pooled_spread": ("target", spread)},
            coords={"target": [t.label for t in targets], "expert": experts,
                    "weight": ("expert", [self.records.weights[e] for e in experts])},
            attrs={"elicitation": self.records.name, "pool": self.records.pool,
                   "extends": self.records.base.name, "file": self.records.file,
                   "records_sha256": self.records.sha256})

    def save(self, path: str | Path) -> Path:
        """Write the pooled worldview as a YAML file that loads like any other worldview."""
        import yaml

        header = (f"# Pooled worldview compiled by cruxnet from {Path(self.records.file).name}"
                  f" ({self.records.pool} pool of {len(self.records.weights)} experts).\n"
                  "# Regenerate it with `cruxnet elicit`; edit the records, not this file.\n")
        return write_atomic(path, header + yaml.safe_dump(
            self.mapping, sort_keys=False, allow_unicode=True, width=100,
            default_flow_style=None))


def _headline(d: Distribution) -> float:
    """P(last state) of a Dirichlet row (P(state) as elicited for binary rows), or the median."""
    mean = d.mean
    return float(mean) if isinstance(mean, float) else float(mean[-1])


def _yaml_value(d: Distribution) -> dict[str, float]:
    if d.is_lognormal:
        return {"median": float(np.exp(d.mu)), "sd_log": float(d.sigma)}  # type: ignore[arg-type]
    a = np.asarray(d.alpha)
    return {"mean": float(a[1] / a.sum()), "ess": float(a.sum())}


def _set_row(entry: Any, path: str, d: Distribution) -> None:
    """Write a pooled Dirichlet into a row given by its path: ``{p: [...], ess: N}`` in place
    of the row, or (a path ending in ``p``) the list there and ``ess`` beside it."""
    a = np.asarray(d.alpha, dtype=float)
    mean = [round(float(x), 12) for x in a / a.sum()]
    ess = round(float(a.sum()), 10)
    parts = path.split(".")
    if parts[-1] == "p":
        path_set(entry, path, mean)
        parent = path_get(entry, ".".join(parts[:-1])) if len(parts) > 1 else entry
        parent["ess"] = ess
    else:
        path_set(entry, path, {"p": mean, "ess": ess})


def _table_entry(form: TableForm, raw: Mapping[str, Any],
                 rows: Mapping[tuple[str, ...], Distribution]) -> dict[str, Any]:
    entry: dict[str, Any] = {k: v for k, v in raw.items()
                             if k in ("form", "require", "otherwise", "note")}
    entry["form"] = "table"
    entry["by"] = list(form.by)
    out_rows = []
    for key, (mean, ess) in form.rows.items():
        if key in rows:
            a = np.asarray(rows[key].alpha, dtype=float)
            mean, ess = tuple(float(x) for x in a / a.sum()), float(a.sum())
        row: dict[str, Any] = {"when": dict(zip(form.by, key, strict=True)),
                               "p": [round(float(x), 12) for x in mean]}
        if ess is not None:
            row["ess"] = round(float(ess), 10)
        out_rows.append(row)
    if not form.by:
        entry.pop("by")
        entry["p"] = out_rows[0]["p"]
        if "ess" in out_rows[0]:
            entry["ess"] = out_rows[0]["ess"]
    else:
        entry["rows"] = out_rows
    # Rounding to 12 places may leave a row summing to 1 +- 1e-12: the parser accepts that.
    return entry


def compile_elicitation(records: ElicitationRecords, *, seed: int = 0, draws: int = 1000,
                        tune: int = 1000, chains: int = 2, progress: bool = False
                        ) -> CompiledElicitation:
    """Pool each target's current records and write them into the base worldview.

    The result is a complete, standalone worldview named ``records.name`` (every node of the
    model, the base's defaults), with an ``elicitation`` provenance block. With
    ``pool: hierarchical`` the pooled distributions are the population distributions of a
    PyMC random-effects model (see :func:`cruxnet.updating.hierarchical.hierarchical_pool`);
    its InferenceData is kept in ``idata``. ``seed``, ``draws``, ``tune`` and ``chains`` are
    for that fit only.
    """
    current = records.current()
    pooled: dict[Target, Distribution] = {}
    idata = None
    if records.pool == "hierarchical":
        from cruxnet.updating.hierarchical import hierarchical_pool

        result = hierarchical_pool(
            {t.label: [r.distribution for r in by_expert.values()]
             for t, by_expert in current.items()},
            {t.label: [records.weights[e] for e in by_expert] for t, by_expert in current.items()},
            seed=seed, draws=draws, tune=tune, chains=chains, progress=progress)
        idata = result.idata
        pooled = {t: result.pooled[t.label] for t in current}
    else:
        for t, by_expert in current.items():
            experts = list(by_expert)
            try:
                pooled[t] = pool_distributions([by_expert[e].distribution for e in experts],
                                               [records.weights[e] for e in experts],
                                               records.pool)
            except ElicitationError as exc:
                raise records_error(records.file, f"pooling {t.label}: {exc}", t.node) from None
    base = records.base
    top = read_worldview_file(Path(base.file)) if base.file else {}
    cpts: dict[str, Any] = copy.deepcopy(dict(base.raw))
    marginals: dict[str, Any] = {
        n: {"p": list(m.probs), **({"ess": m.ess} if m.ess is not None else {})}
        for n, m in base.marginals.items()}
    by_node: dict[str, dict[Target, Distribution]] = {}
    for t, d in pooled.items():
        by_node.setdefault(t.node, {})[t] = d
    for node, targets in by_node.items():
        rows = {t.row: d for t, d in targets.items() if t.row is not None}
        if rows:
            form = base.cpts[node]
            assert isinstance(form, TableForm)
            cpts[node] = _table_entry(form, cpts[node], rows)
        for t, d in targets.items():
            if t.param == "marginal":
                a = np.asarray(d.alpha, dtype=float)
                marginals[node] = {"p": [round(float(x), 12) for x in a / a.sum()],
                                   "ess": round(float(a.sum()), 10)}
            elif t.vector and t.param is not None:
                _set_row(cpts[node], t.param, d)
            elif t.param is not None:
                path_set(cpts[node], t.param, _yaml_value(d))
    mapping: dict[str, Any] = {
        "worldview": records.name, "model": records.model,
        "title": records.title or f"{records.name} (pooled from {len(records.weights)} experts)",
        "reading": f"{records.pool} pool of elicited judgements over {base.name}",
        "summary": records.summary,
    }
    for key in ("default_ess", "default_sd_log"):
        if top.get(key) is not None:
            mapping[key] = top[key]
    if base.stated:
        mapping["stated"] = {n: dict(v) for n, v in base.stated.items()}
    if marginals:
        mapping["marginals"] = marginals
    mapping["elicitation"] = {
        "file": Path(records.file).name, "sha256": records.sha256, "pool": records.pool,
        "extends": base.name, "experts": dict(records.weights),
        "targets": {t.label: sorted(current[t]) for t in pooled}}
    mapping["cpts"] = cpts
    wv = worldview_from_mapping(mapping, records.spec, file=records.file)
    return CompiledElicitation(records, wv, mapping, pooled, idata)


def pooled_parameter_draws(compiled: CompiledElicitation, n: int, *, seed: int = 0
                           ) -> xr.Dataset:
    """Parameter draws of a hierarchically pooled worldview for the batched engine.

    Table rows pooled by the hierarchical model take their values from the posterior draws in
    ``compiled.idata`` (resampled with replacement, seeded); everything else is drawn from the
    compiled worldview as usual. Pass the result to
    :class:`~cruxnet.draws.worldview.DatasetDraws`.
    """
    from cruxnet.draws.values import cpt_name
    from cruxnet.draws.worldview import draw_worldview

    spec: ModelSpec = compiled.records.spec
    ds = draw_worldview(spec, compiled.worldview, n, seed=seed)
    if compiled.idata is None:
        return ds
    rng = np.random.default_rng([seed, 0x9E3779B9])
    post = compiled.idata.posterior
    total = post.sizes["chain"] * post.sizes["draw"]
    for t in compiled.pooled:
        if t.row is None or t.label not in post:
            continue
        form = compiled.worldview.cpts[t.node]
        assert isinstance(form, TableForm)
        theta = post[t.label].values.reshape(total, -1)[rng.integers(0, total, n)]
        name = cpt_name(spec, t.node)
        var = ds[name]
        if "draw" not in var.dims:
            var = var.expand_dims(draw=np.arange(n)).copy()
        sel = dict(zip(t.by, t.row, strict=True))
        values = var.transpose("draw", ..., t.node).copy()
        values.loc[sel] = _broadcast_rows(values.loc[sel], theta, t.node)
        ds[name] = values.transpose("draw", *spec.node(t.node).parents, t.node)
    ds.attrs["method"] = "hierarchical pool draws"
    return ds


def _broadcast_rows(block: Any, theta: NDArray, node: str) -> NDArray:
    """``theta`` (draw, state) broadcast over ``block``'s other parent dims."""
    dims = block.dims
    shape = [theta.shape[0] if d == "draw" else (theta.shape[1] if d == node else 1)
             for d in dims]
    order = [d for d in dims if d in ("draw", node)]
    arr = theta if order == ["draw", node] else theta.T
    return np.broadcast_to(arr.reshape(shape), block.shape)
