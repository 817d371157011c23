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
