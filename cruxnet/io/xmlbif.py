"""Read and write XMLBIF 0.3 (pgmpy, pyAgrum, GeNIe, Weka).

``<TABLE>`` lists a node's CPT with the ``<GIVEN>`` parents in order, the first varying slowest
and the node's own state varying fastest: the C order of cruxnet's (parents..., node) arrays.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from cruxnet.base.errors import SpecError
from cruxnet.files.model import build_model_spec
from cruxnet.io.bif import (
    Numbers,
    check_exportable_names,
    checked_table,
    network_with_rounding,
    numbers,
    read_text,
)
from cruxnet.model.network import BayesNet
from cruxnet.model.spec import NodeSpec

__all__ = ["parse_xmlbif", "read_xmlbif", "write_xmlbif"]


def parse_xmlbif(text: str, *, file: str = "<xmlbif>", normalize: bool = False) -> BayesNet:
    """Parse XMLBIF text into a :class:`BayesNet`."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise SpecError("XML with a DTD or entity declarations is not accepted", file=file)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise SpecError(f"malformed XML ({exc})", file=file) from None
    net_el = root.find("NETWORK") if root.tag != "NETWORK" else root
    if net_el is None:
        raise SpecError("no <NETWORK> element", file=file)
    name_el = net_el.find("NAME")
    name = (name_el.text or "").strip() if name_el is not None else ""
    states: dict[str, tuple[str, ...]] = {}
    labels: dict[str, str] = {}
    for var in net_el.findall("VARIABLE"):
        vname = (var.findtext("NAME") or "").strip()
        if not vname:
            raise SpecError("a <VARIABLE> has no <NAME>", file=file)
        if vname in states:
            raise SpecError("duplicate node id", file=file, node=vname)
        sts = tuple((o.text or "").strip() for o in var.findall("OUTCOME"))
        if len(set(sts)) != len(sts):
            dup = next(x for x in sts if sts.count(x) > 1)
            raise SpecError(f"duplicate state {dup!r} in {list(sts)}", file=file, node=vname)
        states[vname] = sts
        labels[vname] = vname
    defs: dict[str, tuple[tuple[str, ...], Numbers]] = {}
    for d in net_el.findall("DEFINITION"):
        v = (d.findtext("FOR") or "").strip()
        if v not in states:
            raise SpecError("<DEFINITION> for an undeclared variable", file=file, node=v or "?")
        given = tuple((g.text or "").strip() for g in d.findall("GIVEN"))
        defs[v] = (given, numbers(d.findtext("TABLE") or "", "TABLE", file, v))
    for v in states:
        if v not in defs:
            raise SpecError("has no <DEFINITION>", file=file, node=v)
    nodes = [NodeSpec(id=v, states=states[v], parents=defs[v][0], label=labels[v])
             for v in states]
    stem = Path(file).name.split(".")[0]
    spec = build_model_spec(name if name and name != "unknown" else stem, nodes, file=file)
    cpts = {}
    n_rounded = 0
    for node in spec.nodes:
        vals = defs[node.id][1]
        shape = (*(spec.node(p).card for p in node.parents), node.card)
        if len(vals) != int(np.prod(shape)):
            raise SpecError(f"TABLE has {len(vals)} values, expected {int(np.prod(shape))}",
                            file=file, node=node.id)
        cpts[node.id], n = checked_table(np.asarray(vals).reshape(shape), spec, node, file,
                                         normalize, np.asarray(vals.rounding).reshape(shape))
        n_rounded += n
    return network_with_rounding(spec, cpts, n_rounded, file, normalize)


def read_xmlbif(path: str | Path, *, normalize: bool = False) -> BayesNet:
    """Load an XMLBIF file as a network whose CPTs are its worldview."""
    return parse_xmlbif(read_text(path), file=str(path), normalize=normalize)


def format_xmlbif(net: BayesNet) -> str:
    """XMLBIF 0.3 text of a network; raises :class:`SpecError` for names others cannot read."""
    check_exportable_names(net)
    spec = net.spec
    bif = ET.Element("BIF", VERSION="0.3")
    network = ET.SubElement(bif, "NETWORK")
    ET.SubElement(network, "NAME").text = spec.name
    for node in spec.nodes:
        var = ET.SubElement(network, "VARIABLE", TYPE="nature")
        ET.SubElement(var, "NAME").text = node.id
        for s in node.states:
            ET.SubElement(var, "OUTCOME").text = s
        if node.label and node.label != node.id:
            ET.SubElement(var, "PROPERTY").text = f"label = {node.label}"
    for node in spec.nodes:
        d = ET.SubElement(network, "DEFINITION")
        ET.SubElement(d, "FOR").text = node.id
        for p in node.parents:
            ET.SubElement(d, "GIVEN").text = p
        ET.SubElement(d, "TABLE").text = " ".join(repr(float(x)) for x in
                                                  np.asarray(net.cpts[node.id]).ravel())
    ET.indent(bif)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(bif, encoding="unicode") + "\n"


def write_xmlbif(net: BayesNet, path: str | Path) -> None:
    """Write ``net`` as XMLBIF 0.3."""
    from cruxnet.base.writer import write_atomic

    write_atomic(path, format_xmlbif(net))
