"""The evidence ledger: an append-only JSON Lines file of belief updates, replayed in order.

Each line is one JSON object::

    {"kind": "hard", "node": "deception_demonstrated", "state": "yes",
     "citation": "https://...", "date": "2026-05-01", "by": "A. Analyst"}
    {"kind": "likelihood", "node": "scheming", "weights": {"no": 1, "yes": 3}, ...}
    {"kind": "fixed", "node": "lead_time", "marginal": {"about_1mo": 0.7, "to_6mo": 0.3}, ...}
    {"kind": "do", "node": "capability_restraint", "state": "pause", ...}
    {"kind": "data", "node": "infosec_strong", "counts": {"no": 3, "yes": 2},
     "given": {}, ...}
    {"kind": "data", "node": "honeypot_caught", "k": 0, "n": 20, "state": "yes",
     "cases": "same", ...}

``hard``, ``likelihood``, ``fixed`` and ``do`` entries add evidence (a later entry on a node
replaces an earlier one on it of any of these kinds: a node reported uncertainly, then
confirmed, is confirmed). ``data`` entries are counts of the node's states observed in cases
whose parents are in the ``given`` states: they update the *parameters*. Stated marginals
(``marginals:`` in the worldview, or ``--marginal``) keep holding after every update: the updated
tables are tilted to them again. Counts of a node that has a stated marginal update that
marginal itself (Dirichlet(alpha + counts): it is the prior of P(node)); they must then be of
independent cases with no parent given.

* Every parent the node's table depends on is given: a conjugate Dirichlet update of that row
  (mean x ess + counts), exact.
* Some parents are latent (not in ``given``), or the node's CPT is not a table: the PyMC fit of
  :func:`cruxnet.updating.fitting.fit_latent_counts` marginalises the latent parents. The
  node's CPT becomes a table whose rows for the latent configurations are the Dirichlets
  moment-matched to the posterior (the other rows keep their prior); the default
  ``"independent"`` reads the counts as separate cases. A fit that fails its checks stops the
  replay with :class:`~cruxnet.updating.diagnostics.FitError`'s diagnostics.
* ``"cases": "same"`` (every trial tested the same system, e.g. 20 honeypots on the model
  about to be deployed) needs no sampling: given the system's configuration c of the latent
  parents, row c's posterior is Dirichlet(alpha_c + counts) exactly, so each such row becomes
  that (its own conditional posterior, not an average over configurations), and the counts
  are evidence about the configuration: a data node below the latent parents is added,
  observed, with P(counts | c) as its table (the Dirichlet-multinomial under row c's prior).
  Predictions for the next trial are then exact: sum_c P(c | counts) (alpha_c + counts) /
  (alpha_c0 + n). Rows are exact Dirichlets for table forms, moment-matched to the prior
  draws for other forms.

Every entry needs ``citation``, ``date`` (ISO, YYYY-MM-DD) and ``by``. Blank lines and lines
starting with ``#`` are skipped. Reading never writes the file.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.errors import EvidenceError, LedgerError, SpecError, did_you_mean
from cruxnet.base.limits import MAX_COUNT
from cruxnet.base.validate import SUM_TOL, in_unit_interval, normalized_probabilities
from cruxnet.inference.evidence import state_vector
from cruxnet.model.spec import ModelSpec

if TYPE_CHECKING:

    pass

__all__ = ["KINDS", "LedgerEntry", "LedgerError", "read_ledger"]

KINDS = ("hard", "likelihood", "fixed", "do", "data")
_COMMON = {"kind", "node", "citation", "date", "by"}
_FIELDS = {"hard": {"state"}, "do": {"state"}, "likelihood": {"weights"},
           "fixed": {"marginal"}, "data": {"counts", "k", "n", "state", "given", "cases"}}
CASES = ("independent", "same")


@dataclass(frozen=True)
class LedgerEntry:
    """One validated update."""

    line: int
    kind: str
    node: str
    citation: str
    date: str
    by: str
    state: str | None = None
    vector: tuple[float, ...] = ()  # likelihood weights or fixed marginal, in state order
    counts: tuple[int, ...] = ()
    given: Mapping[str, str] = field(default_factory=dict)
    cases: str = "independent"
    states: tuple[str, ...] = ()  # the node's states, to name the numbers

    def _named(self, values: Sequence[float]) -> str:
        if len(self.states) != len(values):
            return str(list(values))
        return ", ".join(f"{s} {v:g}" for s, v in zip(self.states, values, strict=True))

    def describe(self) -> str:
        if self.kind in ("hard", "do"):
            return f"{'do(' if self.kind == 'do' else ''}{self.node}={self.state}" + (
                ")" if self.kind == "do" else "")
        if self.kind == "data":
            cond = ", ".join(f"{p}={s}" for p, s in self.given.items())
            return f"data {self.node}: counts {self._named(self.counts)}" + (
                f" given {cond}" if cond else "") + (" (same system)" if self.cases == "same"
                                                     else "")
        return f"{self.kind}({self.node}: {self._named(self.vector)})"


def _state_vector(raw: object, spec: ModelSpec, node: str, what: str, where: str
                  ) -> tuple[float, ...]:
    states = spec.node(node).states
    if not isinstance(raw, dict) or not raw:
        raise LedgerError(f"{where}: '{what}' must map states of {node} to numbers, got {raw!r}")
    out = [0.0] * len(states)
    for s, v in raw.items():
        if str(s) not in states:
            raise LedgerError(f"{where}: unknown state {s!r} of {node} "
                              f"(states: {', '.join(states)})")
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_COUNT:
            raise LedgerError(f"{where}: {what}[{s}] is more than the limit of {MAX_COUNT:g}")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
            raise LedgerError(f"{where}: {what}[{s}] must be a number >= 0, got {v!r}")
        if v > MAX_COUNT:
            raise LedgerError(f"{where}: {what}[{s}] is {v:g}, more than the limit of "
                              f"{MAX_COUNT:g}")
        out[states.index(str(s))] = float(v)
    return tuple(out)


def _entry(obj: object, line: int, spec: ModelSpec, file: str) -> LedgerEntry:
    where = f"{file}: line {line}"
    if not isinstance(obj, dict):
        raise LedgerError(f"{where}: an entry must be a JSON object, got {obj!r}")
    kind = obj.get("kind")
    if kind not in KINDS:
        raise LedgerError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    allowed = _COMMON | _FIELDS[kind]
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise LedgerError(f"{where}: unknown key {unknown[0]!r} for a {kind} entry; allowed: "
                          f"{', '.join(sorted(allowed))}")
    for key in ("citation", "date", "by"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise LedgerError(f"{where}: every entry needs a non-empty {key!r}")
    try:
        _dt.date.fromisoformat(obj["date"])
    except ValueError:
        raise LedgerError(f"{where}: date must be YYYY-MM-DD, got {obj['date']!r}") from None
    node = obj.get("node")
    if not isinstance(node, str) or node not in spec:
        raise LedgerError(f"{where}: unknown node {node!r} in model {spec.name}"
                          + (did_you_mean(node, spec.node_ids) if isinstance(node, str)
                             else ""))
    common = {"line": line, "kind": kind, "node": node, "citation": obj["citation"],
              "date": obj["date"], "by": obj["by"], "states": spec.node(node).states}
    states = spec.node(node).states
    if kind in ("hard", "do"):
        if str(obj.get("state")) not in states:
            raise LedgerError(f"{where}: unknown state {obj.get('state')!r} of {node} "
                              f"(states: {', '.join(states)})")
        return LedgerEntry(**common, state=str(obj["state"]))
    if kind == "likelihood":
        vec = _state_vector(obj.get("weights"), spec, node, "weights", where)
        missing = [s for s in states if s not in map(str, obj["weights"])]
        if missing:
            raise LedgerError(f"{where}: the likelihood weights of {node} leave out "
                              f"{', '.join(repr(m) for m in missing)}: give a weight for every "
                              "state (0 only where that state is ruled out)")
        if not sum(vec) > 0:
            raise LedgerError(f"{where}: likelihood weights of {node} are all zero")
        return LedgerEntry(**common, vector=vec)
    if kind == "fixed":
        vec = _state_vector(obj.get("marginal"), spec, node, "marginal", where)
        if not all(in_unit_interval(v) for v in vec):
            raise LedgerError(f"{where}: the fixed marginal of {node} has an entry outside "
                              f"[0, 1]: {list(vec)}")
        try:  # one state left out gets what is left, as on the command line and in Python
            vec = state_vector(spec, node, {str(s): float(v) for s, v in obj["marginal"].items()},
                               "fixed")
        except EvidenceError as exc:
            raise LedgerError(f"{where}: {exc}") from None
        if abs(math.fsum(vec) - 1.0) > SUM_TOL:
            raise LedgerError(f"{where}: the fixed marginal of {node} sums to "
                              f"{math.fsum(vec):.12g}, not 1")
        return LedgerEntry(**common, vector=normalized_probabilities(vec))
    if ("counts" in obj) == ("k" in obj or "n" in obj):
        raise LedgerError(f"{where}: a data entry gives either 'counts' per state or 'k' of "
                          "'n' (with 'state', default the node's last state)")
    if "counts" in obj:
        if "state" in obj:
            raise LedgerError(f"{where}: 'state' goes with 'k' of 'n', not with 'counts'")
        counts_raw = obj.get("counts")
    else:
        counts_raw = _k_of_n(obj, states, node, where)
    vec = _state_vector(counts_raw, spec, node, "counts", where)
    if any(v != int(v) for v in vec):
        raise LedgerError(f"{where}: counts must be whole numbers, got {counts_raw!r}")
    given = obj.get("given", {})
    if not isinstance(given, dict):
        raise LedgerError(f"{where}: 'given' must map parents to states, got {given!r}")
    parents = spec.node(node).parents
    for p, s in given.items():
        if p not in parents:
            raise LedgerError(f"{where}: {p!r} is not a parent of {node} "
                              f"(parents: {', '.join(parents) or 'none'})")
        if str(s) not in spec.node(p).states:
            raise LedgerError(f"{where}: unknown state {s!r} of {p}")
    cases = obj.get("cases", "independent")
    if cases not in CASES:
        raise LedgerError(f"{where}: cases must be one of {', '.join(CASES)}, got {cases!r}")
    if any(v < 0 for v in vec) or sum(vec) == 0:
        raise LedgerError(f"{where}: counts must be >= 0 and not all zero, got {counts_raw!r}")
    return LedgerEntry(**common, counts=tuple(int(v) for v in vec),
                       given={str(p): str(s) for p, s in given.items()}, cases=cases)


def _k_of_n(obj: Mapping[str, Any], states: Sequence[str], node: str, where: str
            ) -> dict[str, Any]:
    """``k`` of ``n`` cases in ``state`` as counts per state (two-state nodes)."""
    vals = {}
    for name in ("k", "n"):
        v = obj.get(name)
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_COUNT:
            raise LedgerError(f"{where}: {name} is more than the limit of {MAX_COUNT:g}")
        if (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)
                or v != int(v) or v < 0):
            raise LedgerError(f"{where}: {name} must be a whole number >= 0, got {v!r}")
        if v > MAX_COUNT:
            raise LedgerError(f"{where}: {name} is {v:g}, more than the limit of {MAX_COUNT:g}")
        vals[name] = int(v)
    k, n = vals["k"], vals["n"]
    if k > n:
        raise LedgerError(f"{where}: k = {k} is more than n = {n}")
    if len(states) != 2:
        raise LedgerError(f"{where}: k of n is for two-state nodes; {node} has "
                          f"{len(states)} states ({', '.join(states)}): give 'counts' per state")
    state = str(obj.get("state", states[-1]))
    if state not in states:
        raise LedgerError(f"{where}: unknown state {state!r} of {node} "
                          f"(states: {', '.join(states)})")
    other = states[0] if state == states[1] else states[1]
    return {state: k, other: n - k}


class _DuplicateKey(Exception):
    """A JSON object that repeats a key (json.loads would keep the last one silently)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def read_ledger(path: str | Path, spec: ModelSpec) -> list[LedgerEntry]:
    """Parse and validate a JSON Lines ledger against ``spec`` (the file is only read)."""
    from cruxnet.base.limits import read_text_limited

    p = Path(path)
    try:
        text = read_text_limited(p, what="ledger")
    except SpecError as exc:
        raise LedgerError(str(exc)) from None
    entries = []
    # Lines end at newlines only: U+2028 and NEL may stand inside a JSON string.
    for i, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(raw, object_pairs_hook=_unique_keys)
        except _DuplicateKey as exc:
            raise LedgerError(f"{p}: line {i}: the key {exc.args[0]!r} is given twice (which "
                              "one was meant?)") from None
        except ValueError as exc:
            if not isinstance(exc, json.JSONDecodeError):  # e.g. a number of 5,000 digits
                raise LedgerError(f"{p}: line {i}: not a ledger entry ({exc})") from None
            raise LedgerError(f"{p}: line {i}: not valid JSON ({exc.msg} at column "
                              f"{exc.colno})") from None
        except RecursionError:
            raise LedgerError(f"{p}: line {i}: JSON nested too deeply to be a ledger "
                              "entry") from None
        entries.append(_entry(obj, i, spec, str(p)))
    return entries


