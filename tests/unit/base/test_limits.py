"""Limits and late failures: each hostile or broken input is refused at once, in one line,
with its number and the limit (not a timeout, a MemoryError or an internal error)."""

from __future__ import annotations

import gzip
import os
import time

import pytest
from support.errors import one_line_error, run_main

from cruxnet.base.errors import LedgerError, SpecError
from cruxnet.base.limits import MAX_FILE_BYTES, MAX_STATES, MAX_TABLE_ENTRIES
from cruxnet.base.yamlio import load_yaml_mapping, parse_yaml_mapping

BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


def _fast(fn, *args):
    t = time.perf_counter()
    with pytest.raises((SpecError, LedgerError)) as exc:
        fn(*args)
    assert time.perf_counter() - t < 5  # at once, not after a long parse (generous bound)
    return str(exc.value)


def test_alias_bombs_are_refused() -> None:
    assert "expands to more than 1,000,000 values" in _fast(
        lambda: parse_yaml_mapping(BOMB, source="b.yaml"))
    # a few aliases are fine, and dates stay text (an impossible one is the reader's to name)
    ok = parse_yaml_mapping("a: &x [1, 2]\nb: *x\nwhen: 2026-02-31\n", source="ok.yaml")
    assert ok == {"a": [1, 2], "b": [1, 2], "when": "2026-02-31"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_pipes_devices_and_huge_files_are_refused(tmp_path) -> None:
    fifo = tmp_path / "m.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in _fast(load_yaml_mapping, fifo)
    assert "not a regular file" in _fast(load_yaml_mapping, "/dev/zero")
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    assert "more than the limit of 32 MiB" in _fast(load_yaml_mapping, big)
    gz = tmp_path / "bomb.bif.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write(b" " * (MAX_FILE_BYTES + 10))
    from cruxnet.io.bif import read_bif

    assert "decompresses to more than the limit" in _fast(read_bif, gz)


def test_too_many_states_and_too_wide_tables_are_refused() -> None:
    from cruxnet.files.model import model_spec_from_mapping

    many = {"model": "m", "nodes": [{"id": "a", "states": [f"s{i}" for i in range(100_000)]}]}
    assert f"more than the limit of {MAX_STATES:,}" in _fast(model_spec_from_mapping, many)
    wide = {"model": "m", "nodes": [{"id": f"p{i}", "states": ["no", "yes"]} for i in range(30)]
            + [{"id": "c", "states": ["no", "yes"], "parents": [f"p{i}" for i in range(30)]}]}
    msg = _fast(model_spec_from_mapping, wide)
    assert f"more than the limit of {MAX_TABLE_ENTRIES:,}" in msg and "node c" in msg


@pytest.mark.parametrize("draws", ["inf", "1e400", "nan", "-1", "1e10"])
def test_draws_beyond_reason_are_refused_before_any_work(capsys, draws) -> None:
    rc, _, err = run_main(capsys, "query", "catastrophe", "--draws", draws)
    one_line_error(rc, err, "--draws")


def test_ledger_edges(tmp_path, capsys) -> None:
    """A BOM, U+2028 and NEL inside strings are valid; a repeated key, a count of 1e30 and an
    impossible date are named."""
    from cruxnet.catalog import load_network
    from cruxnet.updating.ledger import read_ledger

    spec = load_network("crux_network").spec
    good = ('{"kind": "hard", "node": "scheming", "state": "yes", "citation": "a\u2028b\u0085c",'
            ' "date": "2026-05-01", "by": "me"}\n')
    path = tmp_path / "l.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + good.encode())
    (entry,) = read_ledger(path, spec)
    assert entry.citation == "a\u2028b\u0085c"
    path.write_text(good.replace('"state": "yes"', '"state": "yes", "state": "no"'))
    assert "the key 'state' is given twice" in _fast(read_ledger, path, spec)
    path.write_text('{"kind": "data", "node": "infosec_strong", "counts": {"yes": 1e30}, '
                    '"given": {}, "citation": "c", "date": "2026-05-01", "by": "me"}\n')
    assert "more than the limit" in _fast(read_ledger, path, spec)


def test_what_is_read_is_read_as_its_type_says(tmp_path) -> None:
    """A BIF row given twice, ``headline: no`` (text in cruxnet's YAML, not false), a tiny ess
    (draws of exactly 0 or 1, then blamed on 'impossible evidence') are named; ``1e-3`` (text
    to YAML 1.1) is the number a person means."""
    from support.models import TINY_MODEL, TINY_WORLDVIEW, write_tiny

    from cruxnet.catalog import load_network
    from cruxnet.files.model import model_spec_from_mapping
    from cruxnet.io.bif import read_bif

    bif = ("network n { }\nvariable a { type discrete [ 2 ] { no, yes }; }\n"
           "variable b { type discrete [ 2 ] { no, yes }; }\n"
           "probability ( a ) { table 0.5, 0.5; }\n"
           "probability ( b | a ) { (no) 0.6, 0.4; (yes) 0.1, 0.9; (no) 0.1, 0.9; }\n")
    (tmp_path / "n.bif").write_text(bif)
    assert "row (no) is given twice" in _fast(read_bif, tmp_path / "n.bif")
    node = {"id": "a", "states": ["no", "yes"], "headline": "no"}
    assert "headline must be true or false, got 'no'" in _fast(
        model_spec_from_mapping, {"model": "m", "nodes": [node]})
    for ess, ok in (("1e-3", False), ("1e-300", False), ("1e1", True)):
        wv = TINY_WORLDVIEW.replace("a: {form: table, p: 0.3}",
                                    f"a: {{form: table, p: 0.3, ess: {ess}}}")
        d = tmp_path / ess
        d.mkdir()
        path = write_tiny(d, TINY_MODEL, wv)
        if ok:
            assert load_network(path, "base").prior.cpts["a"].rows[()][1] == 10.0
        else:
            assert f"effective sample size {float(ess):g} is below 0.1" in _fast(
                load_network, path, "base")


@pytest.mark.parametrize("command", ["show", "explore"])
def test_pictures_of_huge_networks_are_refused_at_once(tmp_path, capsys, command) -> None:
    """A 441-node network took 3 minutes to lay out; 300 nodes are refused before any work."""
    nodes = "\n".join(f"  - {{id: n{i}, states: [no, yes]}}" for i in range(300))
    (tmp_path / "m.yaml").write_text(f"model: m\ndefault_worldview: w\nnodes:\n{nodes}\n")
    cpts = "\n".join(f"  n{i}: {{form: table, p: 0.5}}" for i in range(300))
    (tmp_path / "w.yaml").write_text(f"worldview: w\nmodel: m\ncpts:\n{cpts}\n")
    t = time.perf_counter()
    out = tmp_path / ("x.svg" if command == "show" else "x.html")
    rc, _, err = run_main(capsys, command, "-m", str(tmp_path / "m.yaml"), "--out", str(out))
    one_line_error(rc, err, "300 nodes, more than the 250 a picture can draw")
    assert time.perf_counter() - t < 20


def test_a_question_too_wide_for_exact_answers_is_refused_before_computing() -> None:
    """34 binary causes, 24 effects each of 16 of them, all effects observed: the elimination
    needs a 2^33-entry table; refused at once (before the MemoryError it would end in)."""
    import numpy as np

    from cruxnet import posterior
    from cruxnet.base.errors import TooLargeError
    from cruxnet.files.model import model_spec_from_mapping
    from cruxnet.model.network import BayesNet

    rng = np.random.default_rng(1)
    nodes = [{"id": f"r{i}", "states": ["a", "b"]} for i in range(34)]
    nodes += [{"id": f"c{k}", "states": ["a", "b"],
               "parents": [f"r{j}" for j in sorted(rng.choice(34, 16, replace=False))]}
              for k in range(24)]
    spec = model_spec_from_mapping({"model": "dense", "nodes": nodes})
    cpts = {}
    for nd in spec.nodes:
        t = rng.dirichlet(np.ones(2), size=2 ** len(nd.parents)).reshape((2,) * len(nd.parents)
                                                                           + (2,))
        t.setflags(write=False)
        cpts[nd.id] = t
    net = BayesNet(spec, cpts, "w")
    t0 = time.perf_counter()
    with pytest.raises(TooLargeError, match="more than the limit of 134,217,728"):
        posterior(net, "r0", {f"c{k}": "a" for k in range(24)})
    assert time.perf_counter() - t0 < 10
    assert posterior(net, "r0").probs.sum() == pytest.approx(1.0)  # a narrow question answers


def test_huge_whole_numbers_in_a_ledger_and_a_tiny_ess_option(tmp_path, capsys) -> None:
    from cruxnet.catalog import load_network
    from cruxnet.updating.ledger import read_ledger

    spec = load_network("crux_network").spec
    path = tmp_path / "l.jsonl"
    for big in (str(2**70), "9" * 5000):
        path.write_text('{"kind": "data", "node": "infosec_strong", "counts": {"no": ' + big
                        + ', "yes": 3}, "given": {}, "citation": "c", "date": "2026-06-01", '
                        '"by": "a"}\n')
        msg = _fast(read_ledger, path, spec)
        assert "line 1" in msg and "\n" not in msg
    rc, _, err = run_main(capsys, "query", "catastrophe", "--draws", "10", "--ess", "1e-300")
    one_line_error(rc, err, "--ess 1e-300 is below 0.1")
