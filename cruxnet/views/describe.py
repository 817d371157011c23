"""What a person can read and set about each node: ``cruxnet describe``.

For one node or all: its label, states, definition and role; its parents with the reason for
each edge; its citations; its CPT's form in plain words with every parameter's readable path
(the paths ``set:`` in a worldview file and elicitation records take) and current value; where
the numbers come from (the worldview's ``basis``); any stated marginal; and the node's current
marginal under the worldview.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cruxnet.base.errors import EvidenceError, did_you_mean
from cruxnet.inference.exact import posterior
from cruxnet.model.network import BayesNet
from cruxnet.model.paths import describe_value, parameter_paths, path_get

__all__ = ["FORM_WORDS", "describe_node", "describe_nodes", "describe_text"]

#: Each CPT form in plain words.
FORM_WORDS = {
    "table": "a table: one probability row per combination of the parents it is given by",
    "known_table": "a table known exactly (no uncertainty)",
    "noisy_or": "noisy-OR: each cause that is present can bring it about on its own, plus a "
                "leak for other causes",
    "logit_additive": "odds model: a base probability, whose odds each parent's state "
                      "multiplies by a ratio",
    "product": "product: a base probability times a factor for each parent's state",
    "linear": "linear: a base probability plus an effect for each parent's state",
    "gate": "gate: yes exactly when its conditions on the parents hold (no parameters)",
    "shifted": "shifted: an ordinal base table whose mass moves up or down a state when "
               "conditions hold",
    "binned_product": "computed: the product of its parents' ranges, binned",
}


def _check_node(net: BayesNet, node: str) -> None:
    if node not in net.spec:
        raise EvidenceError(f"describe: unknown node {node!r} in model {net.spec.name}"
                            + did_you_mean(node, net.spec.node_ids))


def _context(raw: object, path: str) -> str:
    """For a parameter inside a listed entry with conditions (a shift, a row with ``when``,
    a noisy-OR cause): ``"  (when careful_lab_leads=yes, down)"``."""
    parts = path.split(".")
    for i in range(len(parts) - 1, 0, -1):
        if not parts[i - 1].isdigit():  # only listed entries carry conditions
            continue
        try:
            item = path_get(raw, ".".join(parts[:i]))
        except KeyError:
            return ""
        if isinstance(item, dict) and isinstance(item.get("when"), dict):
            cond = ", ".join(f"{k}={'/'.join(map(str, v)) if isinstance(v, list) else v}"
                             for k, v in item["when"].items())
            extra = f", {item['direction']}" if "direction" in item else ""
            return f"  (when {cond}{extra})"
    return ""


def _table_rows(net: BayesNet, node: str) -> list[dict[str, Any]]:
    """A point table's rows as parameters (a network read from a BIF/XMLBIF file has no
    worldview file to set them in: ``path`` is empty)."""
    import numpy as np

    spec = net.spec
    n = spec.node(node)
    arr = np.asarray(net.cpts[node])
    out = []
    for idx in np.ndindex(*arr.shape[:-1]):
        given = ", ".join(f"{p}={spec.node(p).states[i]}" for p, i in
                          zip(n.parents, idx, strict=True))
        row = ", ".join(f"{s} {float(v):.4g}" for s, v in zip(n.states, arr[idx], strict=True))
        out.append({"path": f"given {given}" if given else "row", "value": arr[idx].tolist(),
                    "words": row})
    return out


def describe_node(net: BayesNet, node: str) -> dict[str, Any]:
    """Everything :mod:`cruxnet.views.describe` lists about ``node``, as plain data (for
    ``--json``).

    >>> from cruxnet.catalog import load_network
    >>> d = describe_node(load_network("crux_network", "gs_deference"), "scheming")
    >>> d["form"], [p["path"] for p in d["parameters"]][:2]
    ('logit_additive', ['scheming.base.values.easy', 'scheming.base.values.moderate'])
    """
    _check_node(net, node)
    spec = net.spec
    n = spec.node(node)
    reasons = {e.parent: e for e in n.edges}
    wv = net.prior
    form = wv.cpts[node] if wv is not None else None
    raw = wv.raw.get(node) if wv is not None else None
    params = [{"path": f"{node}.{path}", "value": value,
               "words": describe_value(value) + _context(raw, path)}
              for path, value in parameter_paths(raw)] if raw is not None else []
    if raw is None:  # a network read from a file: its point table, row by row
        params = _table_rows(net, node)
    kind = form.kind if form is not None else "table"
    marg = posterior(net, node).as_dict()
    stated = net.marginals.get(node)
    return {
        "node": node, "label": n.label or node, "states": list(n.states), "role": n.role,
        "headline": n.headline, "definition": " ".join(n.definition.split()),
        "parents": [{"parent": p, "label": spec.node(p).label or p,
                     "reason": " ".join(reasons[p].reason.split()) if p in reasons else "",
                     "cites": [spec.cite(s) for s in reasons[p].sources] if p in reasons
                     else []} for p in n.parents],
        "children": [c.id for c in spec.nodes if node in c.parents],
        "cites": [spec.cite(s) for s in n.sources],
        "form": kind, "form_words": FORM_WORDS.get(kind, kind),
        "parameters": params,
        "basis": (wv.basis.get(node) or wv.basis.get("(defaults)", "")) if wv else "",
        "stated_marginal": (None if stated is None else
                            {"probs": dict(zip(n.states, stated.probs, strict=True)),
                             "ess": stated.ess, "said": stated.said}),
        "marginal": marg,
        "worldview": net.worldview,
        "worldview_file": raw is not None,
    }


def describe_nodes(net: BayesNet, nodes: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """:func:`describe_node` for ``nodes`` (default: every node, in topological order)."""
    chosen = list(nodes) if nodes else list(net.spec.node_ids)
    for node in chosen:
        _check_node(net, node)
    return [describe_node(net, node) for node in chosen]


def describe_text(d: dict[str, Any]) -> str:
    """One node's description as text for a terminal."""
    head = f"{d['node']}: {d['label']}"
    role = d["role"] + (", headline crux" if d["headline"] else "")
    lines = [head, f"  role: {role}; states: {', '.join(d['states'])}"]
    if d["definition"]:
        lines.append(f"  means: {d['definition']}")
    if d["parents"]:
        lines.append("  parents:")
        for p in d["parents"]:
            cite = f" [{'; '.join(p['cites'])}]" if p["cites"] else ""
            lines.append(f"    {p['parent']}: {p['reason'] or '(no reason given)'}{cite}")
    else:
        lines.append("  parents: none (a root)")
    if d["cites"]:
        lines.append(f"  sources: {'; '.join(d['cites'])}")
    lines.append(f"  CPT under {d['worldview']}: {d['form_words']}")
    if d["basis"]:
        lines.append(f"  basis: {d['basis']}")
    if d["parameters"] and d["worldview_file"]:
        lines.append("  parameters (set one with `set: {PATH: VALUE}` in your worldview file):")
    elif d["parameters"]:
        lines.append("  table rows (from the network file):")
    if d["parameters"]:
        width = max(len(p["path"]) for p in d["parameters"])
        for p in d["parameters"]:
            lines.append(f"    {p['path']:<{width}}  {p['words']}")
    if d["stated_marginal"] is not None:
        s = d["stated_marginal"]
        lines.append("  stated marginal: " + ", ".join(f"{k} {v:.3g}" for k, v in
                                                       s["probs"].items())
                     + (f" (ess {s['ess']:.3g})" if s["ess"] is not None else ""))
    lines.append("  marginal now: " + ", ".join(f"{k} {v:.3f}" for k, v in d["marginal"].items())
                 + f"   (state your own: `marginals: {{{d['node']}: {{STATE: P}}}}` or "
                   f"--marginal {d['node']}=STATE:P)")
    return "\n".join(lines)
