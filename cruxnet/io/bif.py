"""Read and write BIF (the Bayesian Interchange Format of bnlearn, pgmpy, pyAgrum).

The reader is cruxnet's own (no pgmpy import, so the CLI stays fast) and follows pgmpy's reading
of the format: ``(s1, s2) p...;`` rows per parent configuration, ``table`` listing the values
with the node's own state varying slowest, and ``default`` for rows not listed. ``.gz`` files are
read transparently.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import numpy as np

from cruxnet.base.errors import RoundedRowsWarning, SpecError
from cruxnet.base.validate import SUM_TOL
from cruxnet.files.model import build_model_spec
from cruxnet.model.network import BayesNet
from cruxnet.model.spec import ModelSpec, NodeSpec

__all__ = ["RoundedRowsWarning", "parse_bif", "read_bif", "write_bif"]

_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
# A variable name (spaces allowed, as pgmpy allows) or a "( X | A, B )" probability header.
_HEADER = re.compile(r"^(?:[^\s;(){}|,][^\n;(){}|,]*|\([^\n;(){}]*\))$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def read_text(path: str | Path) -> str:
    """The file's text; ``.gz`` files are decompressed (within the limits of
    :func:`cruxnet.base.limits.read_text_limited`)."""
    from cruxnet.base.limits import read_text_limited

    return read_text_limited(path, what="network file")


def block_ranges(text: str, file: str) -> list[tuple[str, str, str]]:
    """Top-level ``keyword header { body }`` blocks."""
    out = []
    i, n = 0, len(text)
    while i < n:
        m = re.compile(r"\s*(network|variable|probability)\b").match(text, i)
        if not m:
            rest = text[i:].strip()
            if rest:
                line = text.count("\n", 0, i + len(text[i:]) - len(text[i:].lstrip())) + 1
                raise SpecError(f"line {line}: expected 'network', 'variable' or 'probability', "
                                f"got {rest.split()[0][:40]!r}", file=file)
            break
        kw = m.group(1)
        brace = text.find("{", m.end())
        if brace < 0:
            raise SpecError(f"'{kw}' block without '{{'", file=file)
        depth, j = 0, brace
        while j < n:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if depth:
            line = text.count("\n", 0, brace) + 1
            raise SpecError(f"line {line}: unclosed '{{' in '{kw}' block", file=file)
        header = text[m.end():brace].strip()
        if kw != "network" and not _HEADER.match(header):
            line = text.count("\n", 0, m.end()) + 1
            shown = " ".join(header.split())[:40]
            raise SpecError(f"line {line}: malformed '{kw}' header {shown!r}", file=file)
        out.append((kw, header, text[brace + 1:j]))
        i = j + 1
    return out


class Numbers(list[float]):
    """Numbers read from text, with ``rounding``: half a unit in the last printed place of
    each (0 for an integer such as ``0`` or ``1``, which files use for exact values)."""

    rounding: list[float]


def half_unit(token: str) -> float:
    """Half a unit in the last printed place of a decimal number.

    >>> half_unit("0.9999999"), half_unit("0.25"), half_unit("1.5e-05"), half_unit("1")
    (5e-08, 0.005, 5e-07, 0.0)
    """
    mantissa, _, exp = token.lower().partition("e")
    if "." not in mantissa:
        return 0.0 if not exp else 0.5 * 10.0 ** int(exp)
    decimals = len(mantissa.split(".", 1)[1])
    return 0.5 * 10.0 ** (int(exp or 0) - decimals)


def numbers(text: str, what: str, file: str, node: str) -> Numbers:
    items = [t for t in re.split(r"[\s,]+", text.strip()) if t]
    vals = Numbers()
    vals.rounding = []
    for t in items:
        if not _NUMBER.match(t):
            raise SpecError(f"{what}: {t!r} is not a number", file=file, node=node)
        vals.append(float(t))
        vals.rounding.append(half_unit(t))
    return vals


def parse_bif(text: str, *, file: str = "<bif>", name: str | None = None,
              normalize: bool = False) -> BayesNet:
    """Parse BIF text into a :class:`BayesNet` (its CPTs are its worldview).

    Parameters
    ----------
    text
        The BIF document.
    file
        Name used in error messages.
    name
        Model name; default: the ``network`` name, or the file's stem if that is ``unknown``.
    normalize
        Rescale rows that do not sum to 1 within 1e-9 (rounded files), instead of failing.
    """
    text = _COMMENTS.sub("", text)
    states: dict[str, tuple[str, ...]] = {}
    parents: dict[str, tuple[str, ...]] = {}
    bodies: dict[str, str] = {}
    net_name = None
    for kw, header, body in block_ranges(text, file):
        if kw == "network":
            net_name = header.strip().strip('"') or None
        elif kw == "variable":
            var = header.strip()
            m = re.search(r"type\s+discrete\s*\[\s*(\d+)\s*\]\s*\{([^}]*)\}", body)
            if not m:
                raise SpecError("expected 'type discrete [ N ] { states }'", file=file, node=var)
            sts = tuple(s.strip() for s in m.group(2).split(",") if s.strip())
            if len(sts) != int(m.group(1)):
                raise SpecError(f"declares {m.group(1)} states but lists {len(sts)}",
                                file=file, node=var)
            if var in states:
                raise SpecError("duplicate node id", file=file, node=var)
            states[var] = sts
        else:
            hm = re.fullmatch(r"\(\s*([^|)]+?)\s*(?:\|\s*([^)]*))?\)", header)
            if not hm:
                raise SpecError(f"malformed probability header {header!r}", file=file)
            var = hm.group(1).strip()
            ps = tuple(p.strip() for p in (hm.group(2) or "").split(",") if p.strip())
            if var in bodies:
                raise SpecError("two probability blocks", file=file, node=var)
            parents[var], bodies[var] = ps, body
    for var in states:
        if var not in bodies:
            raise SpecError("has no probability block", file=file, node=var)
    for var in bodies:
        if var not in states:
            raise SpecError("probability block for an undeclared variable", file=file, node=var)
    dupes = {v: s for v, s in states.items() if len(set(s)) != len(s)}
    for v, s in dupes.items():
        dup = next(x for x in s if s.count(x) > 1)
        raise SpecError(f"duplicate state {dup!r} in {list(s)}", file=file, node=v)
    nodes = [NodeSpec(id=v, states=states[v], parents=parents[v], label=v) for v in states]
    model_name = name or (net_name if net_name and net_name != "unknown" else Path(file).stem)
    spec = build_model_spec(model_name.removesuffix(".bif"), nodes, file=file)
    tables = {v: _cpt(spec, spec.node(v), bodies[v], file, normalize) for v in states}
    return network_with_rounding(spec, {v: t for v, (t, _) in tables.items()},
                                 sum(n for _, n in tables.values()), file, normalize)


def network_with_rounding(spec: ModelSpec, cpts: dict[str, Any], n_rounded: int, file: str,
                          normalize: bool) -> BayesNet:
    """The network of a file's tables; rows normalised for rounding are counted in its
    provenance (``normalized_rows``) and announced by a :class:`RoundedRowsWarning`."""
    prov = {"normalized_rows": str(n_rounded)} if n_rounded else {}
    if n_rounded and not normalize:
        import warnings

        warnings.warn(f"{file}: {n_rounded} CPT row{'s' if n_rounded > 1 else ''} summed to 1 "
                      "only up to the rounding of the printed digits and "
                      f"{'were' if n_rounded > 1 else 'was'} normalised", RoundedRowsWarning,
                      stacklevel=3)
    return BayesNet(spec, cpts, worldview=spec.name, provenance=prov)


def _cpt(spec: ModelSpec, node: NodeSpec, body: str, file: str, normalize: bool
         ) -> tuple[Any, int]:
    pcards = [spec.node(p).card for p in node.parents]
    k = node.card
    rows: dict[tuple[int, ...], Numbers] = {}
    table = None
    default = None
    for entry in (e.strip() for e in body.split(";")):
        if not entry or entry.startswith("property"):
            continue
        if entry.startswith("table"):
            table = numbers(entry[5:], "table", file, node.id)
        elif entry.startswith("default"):
            default = numbers(entry[7:], "default", file, node.id)
        elif entry.startswith("("):
            close = entry.find(")")
            labels = [s.strip() for s in entry[1:close].split(",")]
            if len(labels) != len(node.parents):
                raise SpecError(f"row {entry[:close + 1]} names {len(labels)} parent states, "
                                f"expected {len(node.parents)}", file=file, node=node.id)
            idx = []
            for p, s in zip(node.parents, labels, strict=True):
                if s not in spec.node(p).states:
                    raise SpecError(f"row {entry[:close + 1]}: unknown state {s!r} of {p}",
                                    file=file, node=node.id)
                idx.append(spec.node(p).states.index(s))
            if tuple(idx) in rows:
                raise SpecError(f"row {entry[:close + 1]} is given twice (which one was "
                                "meant?)", file=file, node=node.id)
            rows[tuple(idx)] = numbers(entry[close + 1:], "row", file, node.id)
        else:
            raise SpecError(f"unexpected entry {entry[:40]!r}", file=file, node=node.id)
    n_cfg = int(np.prod(pcards)) if pcards else 1
    if table is not None:
        if len(table) != k * n_cfg:
            raise SpecError(f"table has {len(table)} values, expected {k * n_cfg}",
                            file=file, node=node.id)
        arr = np.asarray(table).reshape(k, n_cfg).T.reshape((*pcards, k))
        rounding = np.asarray(table.rounding).reshape(k, n_cfg).T.reshape((*pcards, k))
    else:
        arr = np.empty((*pcards, k))
        rounding = np.zeros((*pcards, k))
        for cfg in itertools.product(*(range(c) for c in pcards)):
            vals = rows.get(cfg, default)
            if vals is None:
                missing = ", ".join(f"{p}={spec.node(p).states[i]}"
                                    for p, i in zip(node.parents, cfg, strict=True))
                raise SpecError(f"no row for {missing}", file=file, node=node.id)
            if len(vals) != k:
                raise SpecError(f"a row has {len(vals)} values, expected {k}",
                                file=file, node=node.id)
            arr[cfg] = vals
            rounding[cfg] = vals.rounding
    return checked_table(arr, spec, node, file, normalize, rounding)


def checked_table(arr: Any, spec: ModelSpec, node: NodeSpec, file: str, normalize: bool,
                  rounding: Any = None) -> tuple[Any, int]:
    """A read-only CPT whose entries lie in [0, 1] and rows sum to 1, and how many of its
    rows were normalised (off by more than the tolerance).

    Shared by the BIF and XMLBIF readers; the error names the file, node and row. A row off
    by more than :data:`~cruxnet.model.params.SUM_TOL` is normalised when ``normalize`` is
    set, or when its deviation is explained by the rounding of its printed digits (less than
    half a unit in the last printed place per entry, summed over the row: ``rounding``,
    same shape as ``arr``). Any other row is an error naming ``--normalize``.
    """
    if not np.all((arr >= -SUM_TOL) & (arr <= 1 + SUM_TOL)):
        bad = float(arr[(arr < -SUM_TOL) | (arr > 1 + SUM_TOL)][0])
        raise SpecError(f"probability {bad:g} is outside [0, 1]", file=file, node=node.id)
    arr = np.clip(arr, 0.0, 1.0)
    sums = arr.sum(axis=-1)
    dev = np.abs(sums - 1.0)
    off = dev > SUM_TOL
    n_rounded = 0
    if off.any():
        slack = (np.asarray(rounding).sum(axis=-1) if rounding is not None
                 else np.zeros_like(sums))
        # Rounded digits: strictly less than the row's summed half units (a row at the very
        # edge, like 0.01 + 0.98, is not taken for rounding).
        explained = dev < slack
        zero = sums <= 0
        bad = zero | (off & ~explained) if not normalize else zero
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            config = ", ".join(f"{p}={spec.node(p).states[i]}"
                               for p, i in zip(node.parents, where, strict=True)) or "(no parents)"
            if zero[where]:
                raise SpecError(f"CPT row for {config} sums to 0", file=file, node=node.id)
            raise SpecError(f"CPT row for {config} sums to {float(sums[where]):.12g}, not 1, "
                            "more than the rounding of its printed digits explains (use "
                            "--normalize to rescale such rows)", file=file, node=node.id)
        n_rounded = int(np.count_nonzero(off))
        # Only rows off by more than the tolerance are rescaled: the others stay exactly as
        # written (a BIF round trip is bit for bit).
        arr = np.where(off[..., None], arr / np.where(off, sums, 1.0)[..., None], arr)
    arr.setflags(write=False)
    return arr, n_rounded


def read_bif(path: str | Path, *, normalize: bool = False) -> BayesNet:
    """Load a BIF (or ``.bif.gz``) file as a network whose CPTs are its worldview.

    Examples
    --------
    >>> import tempfile, os
    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "chain.bif")
    ...     write_bif(net, path)
    ...     back = read_bif(path)
    >>> back.spec.node_ids == net.spec.node_ids
    True
    """
    return parse_bif(read_text(path), file=str(path), normalize=normalize)


def _fmt(x: float) -> str:
    return repr(float(x))


def format_bif(net: BayesNet) -> str:
    """BIF text of a network (point CPTs, full float precision).

    Raises :class:`SpecError` for names other tools cannot read.
    """
    check_exportable_names(net)
    spec = net.spec
    lines = [f"network {spec.name} {{", "}"]
    for node in spec.nodes:
        lines += [f"variable {node.id} {{",
                  f"  type discrete [ {node.card} ] {{ {', '.join(node.states)} }};", "}"]
    for node in spec.nodes:
        arr = np.asarray(net.cpts[node.id])
        if not node.parents:
            lines += [f"probability ( {node.id} ) {{",
                      f"  table {', '.join(_fmt(x) for x in arr)};", "}"]
            continue
        lines.append(f"probability ( {node.id} | {', '.join(node.parents)} ) {{")
        for cfg in np.ndindex(*arr.shape[:-1]):
            labels = ", ".join(spec.node(p).states[i]
                               for p, i in zip(node.parents, cfg, strict=True))
            lines.append(f"  ({labels}) {', '.join(_fmt(x) for x in arr[cfg])};")
        lines.append("}")
    return "\n".join(lines) + "\n"


def write_bif(net: BayesNet, path: str | Path) -> None:
    """Write ``net`` as a BIF file that pgmpy, pyAgrum, GeNIe and Netica read."""
    from cruxnet.base.writer import write_atomic

    write_atomic(path, format_bif(net))


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def check_exportable_names(net: BayesNet) -> None:
    """Raise :class:`SpecError` for a node or state name BIF/XMLBIF readers would reject."""
    for node in net.spec.nodes:
        for name in (node.id, *node.states):
            if not _IDENT.match(name):
                raise SpecError(f"name {name!r} cannot be written to BIF/XMLBIF; names must "
                                "start with a letter or '_' and hold only letters, digits, "
                                "'_', '.', '-'", file=net.spec.file, node=node.id)
