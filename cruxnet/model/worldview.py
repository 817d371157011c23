"""Worldviews: one person's or school's beliefs about every CPT of a model, with uncertainty.

A worldview file names its model and gives each node's CPT in one of the forms of
:mod:`cruxnet.model.forms`. ``extends: NAME`` starts from another worldview: a file ``NAME.yaml``
beside this one, else the bundled worldview of that name for the model; ``extends: PATH.yaml``
names a file (relative to this one). On top of what it extends, a file may

* replace whole nodes (``cpts: {node: entry}``),
* set single parameters by their readable paths (``set: {scheming.odds_ratios.deference_timing
  .late: 4}``, the paths :mod:`cruxnet.model.paths` defines and ``cruxnet describe`` lists; a
  plain number over a parameter written with its uncertainty keeps the uncertainty), and
* state marginals (``marginals: {scheming: {yes: 0.08}}``, see :mod:`cruxnet.model.stated`):
  the node's own table is moved by the smallest change that makes the network imply them.

The merged result must cover every node of the model and name no other node. A worldview that
extends another lists what it changed (:attr:`Worldview.overrides`) against its base.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.model.cpt import CPTForm
from cruxnet.model.forms import TableForm
from cruxnet.model.spec import ModelSpec
from cruxnet.model.stated import StatedMarginal

__all__ = ["Override", "Worldview", "point_table", "worldview_from_cpts"]

#: The folder of the bundled worldviews, one subfolder per model.


@dataclass(frozen=True)
class Override:
    """One change a worldview makes to the worldview it extends.

    ``kind`` is ``node`` (the whole table replaced), ``parameter`` (one parameter, by ``path``)
    or ``marginal`` (a stated marginal); ``before`` and ``after`` say it in words.
    """

    kind: str
    node: str
    path: str = ""
    before: str = ""
    after: str = ""

    @property
    def label(self) -> str:
        return f"{self.node}.{self.path}" if self.path else self.node

    def describe(self) -> str:
        """``"scheming.odds_ratios.deference_timing.late: 3 -> 4"``."""
        what = {"node": "table replaced", "marginal": "stated marginal"}.get(self.kind, "")
        change = f"{self.before} -> {self.after}" if self.before else self.after
        return f"{self.label}: {what + ': ' if what else ''}{change}"


@dataclass(frozen=True)
class Worldview:
    """A validated set of CPT forms for every node of one model.

    Attributes
    ----------
    name, model
        The worldview's and its model's names.
    cpts
        Node id -> :class:`~cruxnet.model.forms.CPTForm`.
    reading
        Whose numbers these are, e.g. "modelers' reading of S0".
    stated
        Marginals the worldview's holders state directly (``stated: {node: {state: p}}``),
        which the network's implied marginals should match (``cruxnet lint`` checks).
    attribution
        One line saying whose numbers these are, shown wherever a headline is read (e.g.
        "modelers' reading of Carlsmith (2025), not his own estimate").
    basis
        Node id -> where the numbers of its CPT come from (a seed section, or "modelers'
        reading: why"); the file's top-level ``basis`` covers its defaults.
    ordered_draws
        Draw the rows an ``expect`` ordering ties together jointly, so the ordering holds in
        every draw (default); false draws every row independently.
    marginals
        Stated marginals (``marginals:``), which the network built from the worldview holds
        by moving each node's own table (:mod:`cruxnet.inference.marginals`).
    base, overrides
        The worldview this one extends (None for a complete file or a shared partial) and
        what this file changes against it.
    default_ess
        The file's default effective sample size (used for stated marginals without one).
    """

    name: str
    model: str
    cpts: Mapping[str, CPTForm]
    title: str = ""
    reading: str = ""
    summary: str = ""
    file: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    stated: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    attribution: str = ""
    basis: Mapping[str, str] = field(default_factory=dict)
    ordered_draws: bool = True
    marginals: Mapping[str, StatedMarginal] = field(default_factory=dict)
    base: str | None = None
    overrides: tuple[Override, ...] = ()
    base_file: str | None = None
    default_ess: float | None = None

    def point_cpts(self, model: ModelSpec) -> dict[str, NDArray]:
        """Every node's CPT at the parameters' point values."""
        return {n: self.cpts[n].point_cpt(model) for n in model.node_ids}

    @property
    def sha256(self) -> str:
        """SHA-256 of the merged CPT entries as written (after ``extends``)."""
        data: Any = self.raw
        if self.marginals:
            data = {"cpts": self.raw, "marginals": {
                n: [m.probs, m.alpha] for n, m in sorted(self.marginals.items())}}
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()


def point_table(model: ModelSpec, node_id: str, cpt: NDArray) -> TableForm:
    """A full table form for a point CPT, stating no uncertainty (every row's ess is None)."""
    node = model.node(node_id)
    arr = np.asarray(cpt, dtype=float)
    rows = {}
    for idx in np.ndindex(*arr.shape[:-1]):
        key = tuple(model.node(p).states[i] for p, i in zip(node.parents, idx, strict=True))
        rows[key] = (tuple(float(x) for x in arr[idx]), None)
    return TableForm(node=node.id, by=node.parents, rows=rows)


def worldview_from_cpts(name: str, model: ModelSpec, cpts: Mapping[str, NDArray],
                        *, file: str | None = None) -> Worldview:
    """A worldview of full point tables (no uncertainty), e.g. from a BIF file."""
    forms: dict[str, CPTForm] = {}
    raw: dict[str, Any] = {}
    for node in model.nodes:
        forms[node.id] = point_table(model, node.id, cpts[node.id])
        raw[node.id] = np.asarray(cpts[node.id], dtype=float).tolist()
    return Worldview(name=name, model=model.name, cpts=forms, file=file, raw=raw)
