"""BIF/XMLBIF round trips, and nothing mutates what it was given."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import WORLDVIEWS
from support.oracles import bnlearn_path

from cruxnet import Evidence, SpecError, load_network, posterior
from cruxnet.io import read_bif, read_xmlbif, write_bif, write_xmlbif
from cruxnet.io.bif import parse_bif


@pytest.mark.parametrize("worldview", WORLDVIEWS)
def test_round_trip_is_exact(tmp_path: Path, worldview: str) -> None:
    net = load_network("crux_network", worldview)
    for writer, reader, name in ((write_bif, read_bif, "n.bif"),
                                 (write_xmlbif, read_xmlbif, "n.xml")):
        writer(net, tmp_path / name)
        back = reader(tmp_path / name)
        assert back.spec.node_ids == net.spec.node_ids
        for node in net.spec.node_ids:
            assert back.spec.node(node).parents == net.spec.node(node).parents
            np.testing.assert_array_equal(back.cpts[node], net.cpts[node])


def test_bif_table_keyword_is_child_major_like_pgmpy() -> None:
    text = """network t { }
variable a { type discrete [ 2 ] { x, y }; }
variable b { type discrete [ 2 ] { u, v }; }
probability ( a ) { table 0.3, 0.7; }
probability ( b | a ) { table 0.1, 0.6, 0.9, 0.4; }
"""
    net = parse_bif(text)
    # P(b=u | a=x) = 0.1, P(b=u | a=y) = 0.6: the first half of the table is b=u.
    np.testing.assert_allclose(net.cpts["b"], [[0.1, 0.9], [0.6, 0.4]])


def test_bif_default_rows_and_errors() -> None:
    head = ("variable a { type discrete [ 2 ] { x, y }; }\n"
            "variable b { type discrete [ 2 ] { u, v }; }\n"
            "probability ( a ) { table 0.3, 0.7; }\n")
    net = parse_bif(head + "probability ( b | a ) { (x) 0.2, 0.8; default 0.5, 0.5; }")
    np.testing.assert_allclose(net.cpts["b"], [[0.2, 0.8], [0.5, 0.5]])
    with pytest.raises(SpecError, match=r"node b: no row for a=y"):
        parse_bif(head + "probability ( b | a ) { (x) 0.2, 0.8; }", file="t.bif")
    with pytest.raises(SpecError, match=r"node b: row \(z\): unknown state 'z' of a"):
        parse_bif(head + "probability ( b | a ) { (z) 0.2, 0.8; (x) 0.2, 0.8; }")
    # A header broken across lines (a missing brace) is named with its line, on one line.
    with pytest.raises(SpecError, match=r"line 2: malformed 'variable' header 'b \(no\) 0.8;'"):
        parse_bif("variable a { type discrete [ 2 ] { x, y }; }\nvariable b\n(no) 0.8;\n"
                  " { type discrete [ 2 ] { u, v }; }\n")
    with pytest.raises(SpecError, match=r"cycle"):
        parse_bif(head.replace("probability ( a ) { table 0.3, 0.7; }",
                               "probability ( a | b ) { (u) 0.3, 0.7; (v) 0.3, 0.7; }")
                  + "probability ( b | a ) { (x) 0.2, 0.8; (y) 0.5, 0.5; }")


def test_every_bnlearn_network_loads() -> None:
    for name in ("asia", "alarm", "child", "insurance", "hailfinder", "win95pts", "water",
                 "hepar2", "barley", "pathfinder", "mildew", "andes"):
        net = read_bif(bnlearn_path(name), normalize=True)
        post = posterior(net, net.spec.node_ids[-1])
        assert post.probs.sum() == pytest.approx(1.0, abs=1e-12)


def test_export_refuses_names_other_tools_cannot_read(tmp_path: Path) -> None:
    net = read_bif(bnlearn_path("child"), normalize=True)  # has a state 'Asy/Patch'
    with pytest.raises(SpecError, match="'Asy/Patch' cannot be written"):
        write_bif(net, tmp_path / "c.bif")


def test_nothing_mutates_the_network() -> None:
    net = load_network("crux_network", "gs_deference")
    before = {k: v.copy() for k, v in net.cpts.items()}
    parents = net.spec.node("capability_restraint").parents
    ev = Evidence(hard={"lead_time": "to_6mo"}, do={"capability_restraint": "pause"},
                  fixed={"scheming": (0.5, 0.5)}, likelihood={"takeoff_speed": (1, 2, 3)})
    posterior(net, "catastrophe", ev)
    cut = net.do({"capability_restraint": "pause"})
    assert cut is not net and cut.spec.node("capability_restraint").parents == ()
    assert net.spec.node("capability_restraint").parents == parents
    for k, v in net.cpts.items():
        np.testing.assert_array_equal(v, before[k])
        assert not v.flags.writeable
    # Evidence builders return new objects and leave the original as it was.
    ev2 = ev.observe(scheming="yes")
    assert "scheming" not in ev.hard and ev2.hard["scheming"] == "yes"
    assert net.with_cpt("scheming", np.array(net.cpts["scheming"])) is not net


def test_posterior_to_xarray_has_named_dim_and_provenance() -> None:
    net = load_network("crux_network", "gs_deference")
    da = posterior(net, "lead_time").to_xarray()
    assert da.dims == ("lead_time",)
    assert list(da.coords["lead_time"].values) == list(net.spec.node("lead_time").states)
    assert da.attrs["worldview"] == "gs_deference" and da.attrs["spec_sha256"]


@pytest.mark.parametrize("name", ["asia", "insurance", "alarm"])
def test_files_written_by_pyagrum_and_pgmpy_load_and_agree(tmp_path: Path, name: str) -> None:
    import warnings

    import pyagrum as gum
    from support.oracles import agrum_from_pgmpy, pgmpy_bnlearn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.readwrite import BIFWriter, XMLBIFWriter

        pg = pgmpy_bnlearn(name)
        BIFWriter(pg).write_bif(str(tmp_path / "pg.bif"))
        XMLBIFWriter(pg).write_xmlbif(str(tmp_path / "pg.xml"))
    bn = agrum_from_pgmpy(pg)
    gum.saveBN(bn, str(tmp_path / "ag.bif"))
    gum.saveBN(bn, str(tmp_path / "ag.bifxml"))
    ie = gum.LazyPropagation(bn)
    ie.makeInference()
    for fname, reader in (("pg.bif", read_bif), ("pg.xml", read_xmlbif), ("ag.bif", read_bif),
                          ("ag.bifxml", read_xmlbif)):
        net = reader(tmp_path / fname, normalize=True)
        assert sorted(net.spec.node_ids) == sorted(pg.nodes())
        for target in net.spec.node_ids[::5]:
            var = bn.variable(target)
            ref = {var.label(i): float(ie.posterior(target).toarray()[i])
                   for i in range(var.domainSize())}
            ours = posterior(net, target).as_dict()
            # pyAgrum's XML writer rounds to ~10 digits; every other file is exact.
            tol = 1e-9 if fname == "ag.bifxml" else 1e-12
            assert ours == pytest.approx(ref, abs=tol), (fname, target)
