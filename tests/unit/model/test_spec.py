"""Model files: every mistake named on one line with the file (cycles, unknown parents,
duplicate ids and states, unknown keys, expectations that name no parent or state)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.errors import error_message
from support.models import TINY_MODEL as MODEL
from support.models import write_tiny

from cruxnet import SpecError
from cruxnet.files.model import load_model_spec


@pytest.mark.parametrize(("model", "needle"), [
    (MODEL.replace("parents: [a]}", "parents: [a, c]}"), "cycle: "),
    (MODEL.replace("parents: [a]}", "parents: [z]}"), "parent 'z' is not a node"),
    (MODEL.replace("  - {id: c,", "  - {id: b, states: [x, y]}\n  - {id: c,"),
     "node b: duplicate node id"),
    (MODEL.replace("[low, mid, high]", "[low, mid, low]"), "duplicate state 'low'"),
    (MODEL.replace("{id: a, states: [no, yes]}", "{id: a, states: [only]}"), "node a"),
    (MODEL.replace("{id: a, states: [no, yes]}", "{id: a, states: [no, yes], role: boss}"),
     "role 'boss'"),
    ("model: tiny\nnodes:\n  - {id: a, states: [no, yes]\n", "line 4"),
    ("", "empty file"),
    (MODEL.replace("default_worldview:", "defualt_worldview:"), "unknown key 'defualt_worldview'"),
    (MODEL.replace("parents: [a]}", "parents: [{node: []}]}"), "a parent's 'node' must be"),
    (MODEL.replace("parents: [a]}", "parents: [a], expect: {increases_with: [c]}}"),
     "node b: expect.increases_with: 'c' is not a parent of b (parents: a)"),
    (MODEL.replace("parents: [a]}", "parents: [a], expect: {rises_with: [a]}}"),
     "unknown key 'rises_with' in 'expect'"),
    (MODEL.replace("parents: [a]}", "parents: [a], expect: {impossible: [{when: {a: maybe}, "
                   "state: low}]}}"), "node b: expect.impossible: unknown state 'maybe' of a"),
    (MODEL.replace("parents: [a]}", "parents: [a], expect: {impossible: [{when: {a: yes}, "
                   "state: huge}]}}"), "unknown state 'huge' of b"),
    (MODEL.replace("parents: [a]}", "parents: [a], expect: {impossible: [a]}}"),
     "needs 'when: {parent: state}' and 'state'"),
])
def test_bad_model_files(tmp_path: Path, model: str, needle: str) -> None:
    path = write_tiny(tmp_path, model=model)
    msg = error_message(SpecError, load_model_spec, path)
    assert str(path) in msg
    assert needle in msg


def test_cycle_message_names_the_cycle(tmp_path: Path) -> None:
    model = MODEL.replace("{id: a, states: [no, yes]}", "{id: a, states: [no, yes], parents: [c]}")
    msg = error_message(SpecError, load_model_spec, write_tiny(tmp_path, model=model))
    assert "a -> " in msg and "c" in msg


@pytest.mark.parametrize("node,states,needle", [
    ("a b", ["no", "yes"], "node name 'a b' has a space"),
    ("", ["no", "yes"], "node name '' is empty"),
    ("x=y", ["no", "yes"], "has an '='"),
    ("a", ["no", " "], "state name ' ' has a space"),
    ("a", ["no", "y:es"], "state name 'y:es' has a ':'"),
    ("a", ["n,o", "yes"], "state name 'n,o' has a ','"),
    ("a", ["no", "ye\ns"], "has a blank character (U+000A)"),
    ("a", ["no", "y\x00"], "has a control character (U+0000)"),
    ("a", ["no", "y\x1b[2J"], "has a control character (U+001B)"),
    ("a", ["no", "y\ud800"], "lone surrogate"),
])
def test_one_name_rule_for_every_model(tmp_path, node, states, needle) -> None:
    """Names the command line cannot write, or a terminal or page cannot show, are refused when
    a model is read (YAML here; BIF and XMLBIF go through the same builder)."""
    from cruxnet.base.errors import SpecError
    from cruxnet.files.model import model_spec_from_mapping

    data = {"model": "m", "nodes": [{"id": node, "states": states}]}
    with pytest.raises(SpecError) as exc:
        model_spec_from_mapping(data, file="m.yaml")
    assert needle in str(exc.value) and str(exc.value).startswith("m.yaml")


def test_the_name_rule_also_holds_for_network_files(tmp_path) -> None:
    from cruxnet.base.errors import SpecError
    from cruxnet.io.bif import read_bif

    bif = ("network n { }\nvariable a { type discrete [ 2 ] { no, ye:s }; }\n"
           "probability ( a ) { table 0.5, 0.5; }\n")
    (tmp_path / "n.bif").write_text(bif)
    with pytest.raises(SpecError, match="state name 'ye:s' has a ':'"):
        read_bif(tmp_path / "n.bif")
