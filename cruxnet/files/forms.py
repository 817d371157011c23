"""A CPT entry of a worldview file read into its form (:mod:`cruxnet.model.forms`), with every
parent, state and parameter checked against the model."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from cruxnet.base.validate import SUM_TOL
from cruxnet.files.params import ParseContext, parse_ess, parse_param, parse_prob_vector
from cruxnet.model.cpt import ByParent, Conditions, CPTForm
from cruxnet.model.forms import (
    FORMS,
    BinnedProductForm,
    GateForm,
    LinearForm,
    LogitAdditiveForm,
    NoisyOrForm,
    ProductForm,
    Shift,
    ShiftedForm,
    TableForm,
)
from cruxnet.model.params import Param
from cruxnet.model.spec import ModelSpec, NodeSpec, state_name

__all__ = ["parse_cpt"]


# ----------------------------------------------------------------------------------- parsing
#: Keys every form takes: its name, a structural zero, and free text (``basis``: where the
#: numbers come from, a seed section or "modelers' reading: why"; shown in reports).
_COMMON_KEYS = frozenset({"form", "require", "otherwise", "note", "sources", "basis"})


class _Reader:
    """Reads one node's CPT entry, with errors naming the file, node and value."""

    def __init__(self, raw: Mapping[str, Any], model: ModelSpec, node: NodeSpec,
                 ctx: ParseContext):
        self.raw, self.model, self.node, self.ctx = raw, model, node, ctx

    def allowed(self, keys: set[str]) -> None:
        extra = sorted(set(map(str, self.raw)) - keys - _COMMON_KEYS)
        if extra:
            allowed = sorted(keys | _COMMON_KEYS)
            raise self.ctx.error(f"unknown key {extra[0]!r} for form "
                                 f"{self.raw.get('form')!r}; allowed: {', '.join(allowed)}")

    def need(self, key: str) -> Any:
        if key not in self.raw:
            raise self.ctx.error(f"form {self.raw.get('form')!r} needs '{key}'")
        return self.raw[key]

    def parent(self, name: object, what: str) -> NodeSpec:
        pname = state_name(name) if isinstance(name, (str, int)) else repr(name)
        if pname not in self.node.parents:
            parents = ", ".join(self.node.parents) or "none"
            raise self.ctx.error(f"{what}: {pname!r} is not a parent of {self.node.id} "
                                 f"(parents: {parents})")
        return self.model.node(pname)

    def state(self, of: NodeSpec, raw: object, what: str) -> str:
        s = state_name(raw) if isinstance(raw, (str, int, bool)) else repr(raw)
        if s not in of.states:
            raise self.ctx.error(f"{what}: unknown state {s!r} of {of.id} "
                                 f"(states: {', '.join(of.states)})")
        return s

    def conditions(self, raw: object, what: str) -> Conditions:
        if raw is None:
            return ()
        if not isinstance(raw, Mapping):
            raise self.ctx.error(f"{what} must map parents to states, got {raw!r}")
        out = []
        for pname, states in raw.items():
            parent = self.parent(pname, what)
            items = states if isinstance(states, list) else [states]
            out.append((parent.id, frozenset(self.state(parent, s, what) for s in items)))
        return tuple(out)

    def binary(self) -> None:
        if self.node.card != 2:
            raise self.ctx.error(f"form {self.raw.get('form')!r} is for two-state nodes; "
                                 f"{self.node.id} has {self.node.card} states")

    def by_parent(self, raw: object, kind: str, what: str, *, default: float | None,
                  unused: Conditions = ()) -> ByParent:
        """A constant parameter, or ``{by: parent, values: {state: x}}`` / ``{parent: {...}}``.

        States that ``unused`` conditions exclude (a cause's own ``when``) need no value.
        """
        if isinstance(raw, Mapping) and "by" in raw:
            parent = self.parent(raw["by"], what)
            values = raw.get("values")
            allowed = dict(unused).get(parent.id)
            if allowed is not None and isinstance(values, Mapping):
                given = {state_name(k) for k in values}
                values = {**{s: 0.0 for s in parent.states
                             if s not in allowed and s not in given}, **values}
            return self._per_state(parent, values, kind, what, default)
        if isinstance(raw, Mapping) and len(raw) == 1 and next(iter(raw)) in self.node.parents:
            pname, values = next(iter(raw.items()))
            return self._per_state(self.parent(pname, what), values, kind, what, default)
        return ByParent(None, (parse_param(raw, kind, what, self.ctx),))  # type: ignore[arg-type]

    def _per_state(self, parent: NodeSpec, values: object, kind: str, what: str,
                   default: float | None) -> ByParent:
        if not isinstance(values, Mapping):
            raise self.ctx.error(f"{what}: expected a mapping from states of {parent.id} to "
                                 f"values, got {values!r}")
        given = {self.state(parent, s, what): v for s, v in values.items()}
        params = []
        for s in parent.states:
            if s in given:
                params.append(parse_param(given[s], kind, f"{what}[{parent.id}={s}]",  # type: ignore[arg-type]
                                          self.ctx))
            elif default is not None:
                params.append(Param(default, kind, "fixed"))  # type: ignore[arg-type]
            else:
                raise self.ctx.error(f"{what}: no value for {parent.id}={s}")
        return ByParent(parent.id, tuple(params), parent.states)

    def per_parent_maps(self, raw: object, kind: str, what: str) -> tuple[ByParent, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, Mapping):
            raise self.ctx.error(f"{what} must map parents to {{state: value}}, got {raw!r}")
        return tuple(self._per_state(self.parent(p, what), v, kind, what, 1.0 if kind == "ratio"
                                     else 0.0) for p, v in raw.items())


def _parse_table(r: _Reader, raw: Mapping[str, Any], node: str) -> TableForm:
    ctx, model, nspec = r.ctx, r.model, r.node
    normalize = bool(raw.get("normalize", False))
    ess_default = raw.get("ess", ctx.default_ess)
    if ess_default is not None:
        ess_default = parse_ess(ess_default, "", ctx)
    by_raw = raw.get("by")
    if by_raw is None:
        by_raw = [] if "p" in raw else list(nspec.parents)
    if isinstance(by_raw, str):
        by_raw = [by_raw]
    if not isinstance(by_raw, list):
        raise ctx.error(f"'by' must name a parent or list parents, got {by_raw!r}")
    by = tuple(r.parent(b, "by").id for b in by_raw)

    def row(value: object, what: str) -> tuple[tuple[float, ...], float | None]:
        ess = ess_default
        if isinstance(value, Mapping):
            if "ess" in value:
                ess = parse_ess(value["ess"], what, ctx)
            value = value.get("p")
        vec = parse_prob_vector(value, nspec.card, what, ctx, normalize=normalize)
        return vec, (float(ess) if ess is not None else None)

    rows: dict[tuple[str, ...], tuple[tuple[float, ...], float | None]] = {}
    if not by:
        rows[()] = row(r.need("p"), "p")
    else:
        rows_raw = r.need("rows")
        if isinstance(rows_raw, Mapping):
            if len(by) != 1:
                raise ctx.error("with several 'by' parents, 'rows' must be a list of "
                                "{when: {...}, p: [...]} entries")
            parent = model.node(by[0])
            for s, v in rows_raw.items():
                st = r.state(parent, s, "rows")
                rows[(st,)] = row(v, f"rows[{parent.id}={st}]")
        elif isinstance(rows_raw, list):
            for i, entry in enumerate(rows_raw):
                if not isinstance(entry, Mapping) or "when" not in entry:
                    raise ctx.error(f"rows[{i}] must be a mapping with 'when' and 'p'")
                when = entry["when"]
                if not isinstance(when, Mapping):
                    raise ctx.error(f"rows[{i}].when must map parents to states")
                key_map = {r.parent(p, f"rows[{i}].when").id:
                           r.state(model.node(state_name(p)), s, f"rows[{i}].when")
                           for p, s in when.items()}
                if set(key_map) != set(by):
                    raise ctx.error(f"rows[{i}].when must name exactly {', '.join(by)}, "
                                    f"got {', '.join(key_map)}")
                key = tuple(key_map[b] for b in by)
                if key in rows:
                    dup = dict(zip(by, key, strict=True))
                    raise ctx.error(f"rows[{i}]: duplicate row for {dup}")
                rows[key] = row(entry, f"rows[{i}]")
        else:
            raise ctx.error(f"'rows' must be a mapping or a list, got {rows_raw!r}")
        for combo in itertools.product(*(model.node(b).states for b in by)):
            if combo not in rows:
                missing = ", ".join(f"{b}={s}" for b, s in zip(by, combo, strict=True))
                raise ctx.error(f"no CPT row for {missing}")
    return TableForm(node=node, by=by, rows=rows)


def parse_cpt(raw: object, model: ModelSpec, node_id: str, ctx: ParseContext) -> CPTForm:
    """Validate one node's CPT entry of a worldview into a :class:`CPTForm`.

    Parameters
    ----------
    raw
        The YAML mapping for the node (it must have ``form``; ``table`` is assumed if it has
        ``p`` or ``rows``).
    model
        The model the worldview is for.
    node_id
        The node.
    ctx
        File, node and default effective sample size, for messages and defaults.

    Returns
    -------
    CPTForm
        The validated form; ``form.point_cpt(model)`` gives the table.
    """
    nspec = model.node(node_id)
    if not isinstance(raw, Mapping):
        raise ctx.error(f"the CPT entry must be a mapping with a 'form', got {raw!r}")
    kind = raw.get("form", "table" if ("p" in raw or "rows" in raw) else None)
    if not isinstance(kind, str) or kind not in FORMS:
        raise ctx.error(f"unknown form {kind!r}; allowed: {', '.join(sorted(FORMS))}")
    r = _Reader(raw, model, nspec, ctx)
    require = r.conditions(raw.get("require"), "require")
    otherwise = 0
    if "otherwise" in raw:
        otherwise = nspec.state_index(r.state(nspec, raw["otherwise"], "otherwise"))
    common: dict[str, Any] = {"node": node_id, "require": require, "otherwise": otherwise}
    form: CPTForm
    if kind == "table":
        r.allowed({"p", "rows", "by", "ess", "normalize"})
        t = _parse_table(r, raw, node_id)
        form = TableForm(by=t.by, rows=t.rows, **common)
    elif kind == "noisy_or":
        r.binary()
        r.allowed({"leak", "causes"})
        causes_raw = raw.get("causes") or []
        if not isinstance(causes_raw, list):
            raise ctx.error(f"'causes' must be a list, got {causes_raw!r}")
        causes = []
        for i, c in enumerate(causes_raw):
            if not isinstance(c, Mapping) or "p" not in c:
                raise ctx.error(f"causes[{i}] must be a mapping with 'when' and 'p'")
            when = r.conditions(c.get("when"), f"causes[{i}].when")
            causes.append((when, r.by_parent(c["p"], "probability", f"causes[{i}].p",
                                             default=None, unused=when)))
        leak = parse_param(raw.get("leak", {"value": 0.0}), "probability", "leak", ctx)
        form = NoisyOrForm(leak=leak, causes=tuple(causes), **common)
    elif kind == "logit_additive":
        r.binary()
        r.allowed({"base", "odds_ratios", "sharpness"})
        sharp = raw.get("sharpness", 1.0)
        if isinstance(sharp, bool) or not isinstance(sharp, (int, float)) or not sharp > 0:
            raise ctx.error(f"sharpness must be a number > 0, got {sharp!r}")
        form = LogitAdditiveForm(
            base=r.by_parent(r.need("base"), "probability", "base", default=None),
            odds_ratios=r.per_parent_maps(raw.get("odds_ratios"), "ratio", "odds_ratios"),
            sharpness=float(sharp), **common)
    elif kind == "product":
        r.binary()
        r.allowed({"base", "factors"})
        form = ProductForm(base=r.by_parent(raw.get("base", {"value": 1.0}), "probability",
                                            "base", default=None),
                           factors=r.per_parent_maps(raw.get("factors"), "ratio", "factors"),
                           **common)
    elif kind == "linear":
        r.binary()
        r.allowed({"base", "effects", "clip"})
        clip = raw.get("clip")
        if clip is not None:
            if (not isinstance(clip, list) or len(clip) != 2
                    or not all(isinstance(c, (int, float)) and 0 <= c <= 1 for c in clip)
                    or clip[0] > clip[1]):
                raise ctx.error(f"clip must be [lo, hi] with 0 <= lo <= hi <= 1, got {clip!r}")
            clip = (float(clip[0]), float(clip[1]))
        form = LinearForm(base=r.by_parent(r.need("base"), "probability", "base", default=None),
                          effects=r.per_parent_maps(raw.get("effects"), "real", "effects"),
                          clip=clip, **common)
    elif kind == "gate":
        r.binary()
        r.allowed({"any", "all"})
        modes = [m for m in ("any", "all") if m in raw]
        if len(modes) != 1:
            raise ctx.error("a gate needs exactly one of 'any' or 'all'")
        conds = r.conditions(raw[modes[0]], modes[0])
        if not conds:
            raise ctx.error(f"a gate's '{modes[0]}' lists no conditions")
        form = GateForm(conditions=conds, mode=modes[0], **common)
    elif kind == "shifted":
        r.allowed({"base", "shifts"})
        base_raw = r.need("base")
        if not isinstance(base_raw, Mapping):
            raise ctx.error("'base' of a shifted form must be a table mapping (p / by + rows)")
        base = _parse_table(_Reader(base_raw, model, nspec, ctx), base_raw, node_id)
        shifts = []
        for i, s in enumerate(raw.get("shifts") or []):
            if not isinstance(s, Mapping) or "p" not in s or "direction" not in s:
                raise ctx.error(f"shifts[{i}] needs 'direction' (up/down) and 'p'")
            direction = str(s["direction"])
            if direction not in ("up", "down"):
                raise ctx.error(f"shifts[{i}].direction must be 'up' or 'down', got {direction!r}")
            times = s.get("times", 1)
            if isinstance(times, bool) or not isinstance(times, int) or times < 1:
                raise ctx.error(f"shifts[{i}].times must be a positive integer, got {times!r}")
            from_raw = s.get("from")
            from_states = None
            if from_raw is not None:
                items = from_raw if isinstance(from_raw, list) else [from_raw]
                from_states = frozenset(nspec.state_index(r.state(nspec, x, f"shifts[{i}].from"))
                                        for x in items)
            shifts.append(Shift(when=r.conditions(s.get("when"), f"shifts[{i}].when"),
                                up=direction == "up",
                                p=parse_param(s["p"], "probability", f"shifts[{i}].p", ctx),
                                times=times, from_states=from_states))
        form = ShiftedForm(base=base, shifts=tuple(shifts), **common)
    else:  # binned_product
        r.allowed({"intervals", "scale", "thresholds"})
        ints_raw = r.need("intervals")
        if not isinstance(ints_raw, Mapping) or set(map(str, ints_raw)) != set(nspec.parents):
            raise ctx.error(f"'intervals' must give an interval per state of every parent "
                            f"({', '.join(nspec.parents)})")
        intervals: dict[str, tuple[tuple[float, float], ...]] = {}
        for pname, per_state in ints_raw.items():
            parent = r.parent(pname, "intervals")
            if not isinstance(per_state, Mapping) or set(map(state_name, per_state)) != set(
                    parent.states):
                raise ctx.error(f"intervals[{parent.id}] must give [lo, hi] for each of "
                                f"{', '.join(parent.states)}")
            ivs = []
            for s in parent.states:
                iv = {state_name(k): v for k, v in per_state.items()}[s]
                if (not isinstance(iv, list) or len(iv) != 2
                        or not all(isinstance(x, (int, float)) and x > 0 for x in iv)
                        or iv[0] >= iv[1]):
                    raise ctx.error(f"intervals[{parent.id}][{s}] must be [lo, hi] with "
                                    f"0 < lo < hi, got {iv!r}")
                ivs.append((float(iv[0]), float(iv[1])))
            intervals[parent.id] = tuple(ivs)
        th = r.need("thresholds")
        if (not isinstance(th, list) or len(th) != nspec.card - 1
                or not all(isinstance(x, (int, float)) and x > 0 for x in th)
                or any(a >= b for a, b in itertools.pairwise(th))):
            raise ctx.error(f"thresholds must be {nspec.card - 1} increasing positive numbers, "
                            f"got {th!r}")
        scale = raw.get("scale", 1.0)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not scale > 0:
            raise ctx.error(f"scale must be a number > 0, got {scale!r}")
        form = BinnedProductForm(intervals=intervals, scale=float(scale),
                                 thresholds=tuple(float(x) for x in th), **common)
    _check_cpt(form, model, ctx)
    return form


def _check_cpt(form: CPTForm, model: ModelSpec, ctx: ParseContext) -> None:
    """Every entry in [0, 1] and every row summing to 1; names the first bad configuration."""
    cpt = form.point_cpt(model)
    node = model.node(form.node)
    bad = (cpt < -SUM_TOL) | (cpt > 1 + SUM_TOL) | ~np.isfinite(cpt)
    sums = cpt.sum(axis=-1)
    bad_rows = np.abs(sums - 1.0) > SUM_TOL
    if bad.any() or bad_rows.any():
        idx = np.argwhere(bad.any(axis=-1) | bad_rows)[0]
        config = ", ".join(f"{p}={model.node(p).states[i]}"
                           for p, i in zip(node.parents, idx, strict=True)) or "(no parents)"
        row = [round(float(x), 6) for x in cpt[tuple(idx)]]
        raise ctx.error(f"form {form.kind!r} gives P({node.id} | {config}) = {row}, which is "
                        "not a probability distribution")
