"""The guided interview (issue 15, item 6), driven in a real pseudo-terminal with answers typed
as a person types them; the files it writes query to the numbers it showed, and compiling its
records gives the same worldview. (Reading the answers: tests/unit/cli/test_interview.py.)"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
import yaml

from cruxnet import load_network, posterior
from cruxnet.catalog import load_model, network_from_worldview
from cruxnet.updating.pooling import compile_elicitation
from cruxnet.updating.records import load_elicitation

pexpect = pytest.importorskip("pexpect")

MOVED = re.compile(r"P\(catastrophe=yes\) (\d\.\d{3}) -> (\d\.\d{3})")


def _spawn(tmp_path, *args: str):
    child = pexpect.spawn(sys.executable, ["-m", "cruxnet", "elicit", "--interview", *args],
                          cwd=str(tmp_path), encoding="utf-8", timeout=90,
                          dimensions=(40, 200))
    return child


def _answer(child, prompt: str, typed: str) -> None:
    child.expect_exact(prompt)
    child.sendline(typed)


def test_a_forecaster_end_to_end(tmp_path) -> None:
    """"I think scheming is much less likely than gs_deference says; lead time under a month."
    Every number the interview shows is what the written files give."""
    child = _spawn(tmp_path, "--out", "fc")
    _answer(child, "Who is answering?", "Fran Forecaster")
    _answer(child, "Start from which worldview?", "gs_deference")
    _answer(child, "Where do your numbers come from?", "my reading of the three essays")
    child.expect_exact("P(catastrophe=yes) = 0.325")
    child.expect_exact("Basin of good deference exists: how likely is 'yes'?")
    _answer(child, "your answer", "probably")
    child.expect_exact("cannot read that")
    _answer(child, "your answer", "between 40% and 80%, 70% sure")
    child.expect(MOVED)
    shown = [child.match.group(2)]
    child.expect_exact("Lead time: how likely is each of")
    _answer(child, "your answer", "60%")
    child.expect_exact("give one number per state")
    _answer(child, "your answer", "35, 40, 15, 7, 3")
    child.expect(MOVED)
    assert child.match.group(1) == shown[-1]
    shown.append(child.match.group(2))
    child.expect_exact("Scheming: how likely is 'yes'?")
    _answer(child, "your answer", "8%")
    child.expect(MOVED)
    shown.append(child.match.group(2))
    child.expect_exact("Elicitation succeeds")
    _answer(child, "your answer", "same")
    child.expect_exact("kept gs_deference's value")
    _answer(child, "Go on to the other", "n")
    child.expect(r"P\(catastrophe=yes\): 0\.325 under gs_deference -> (\d\.\d{3}) under your")
    assert child.match.group(1) == shown[-1]
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    # The files: the worldview queries to the number shown, and the records compile to it.
    view, recs = tmp_path / "fc.yaml", tmp_path / "fc.elicit.yaml"
    net = load_network("crux_network", view)
    p = posterior(net, "catastrophe")["yes"]
    assert f"{p:.3f}" == shown[-1]
    assert posterior(net, "scheming")["yes"] == pytest.approx(0.08, abs=1e-12)
    assert posterior(net, "lead_time").probs == pytest.approx([0.35, 0.4, 0.15, 0.07, 0.03],
                                                              abs=1e-12)
    base = load_network("crux_network", "gs_deference")
    assert np.allclose(posterior(net, "alignment_difficulty").probs,
                       posterior(base, "alignment_difficulty").probs, atol=1e-12)
    data = yaml.safe_load(recs.read_text())
    assert {r["who"] for r in data["records"]} == {"Fran Forecaster"}
    assert {r["source"] for r in data["records"]} == {"my reading of the three essays"}
    assert [r["node"] for r in data["records"]] == ["bgd_exists", "lead_time", "scheming"]
    spec = load_model("crux_network").spec
    compiled = network_from_worldview(
        spec, compile_elicitation(load_elicitation(recs, spec)).worldview)
    for node in spec.node_ids:
        assert np.allclose(np.asarray(compiled.cpts[node]), np.asarray(net.cpts[node]),
                           atol=1e-9), node
    # Revising: the earlier answers come back; Enter keeps one, a new answer replaces it.
    child = _spawn(tmp_path, "--out", "fc")
    child.expect_exact("3 earlier answers")
    _answer(child, "Who is answering? (your name) [Fran Forecaster]", "")
    _answer(child, "Where do your numbers come from?", "")
    _answer(child, "[Enter keeps between 40% and 80%, 70% sure]", "")
    _answer(child, "[Enter keeps 35%, 40%, 15%, 7%, 3%]", "")
    _answer(child, "[Enter keeps 8%]", "5%")
    _answer(child, "your answer", "skip")
    _answer(child, "Go on to the other", "n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    again = load_network("crux_network", view)
    assert posterior(again, "scheming")["yes"] == pytest.approx(0.05, abs=1e-12)
    assert posterior(again, "bgd_exists").probs == pytest.approx(
        posterior(net, "bgd_exists").probs, abs=1e-12)


@pytest.mark.parametrize("stop", ["eof", "interrupt"])
def test_stopping_leaves_no_file(tmp_path, stop: str) -> None:
    child = _spawn(tmp_path, "--out", "half", "--base", "karnofsky_playbook")
    _answer(child, "Who is answering?", "Sam")
    _answer(child, "Where do your numbers come from?", "")
    _answer(child, "your answer", "10%")
    child.expect(MOVED)
    child.expect_exact("your answer")
    if stop == "eof":
        child.sendeof()
    else:
        child.sendintr()
    child.expect_exact("interview stopped; nothing was written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "Traceback" not in (child.before or "")
    assert list(tmp_path.iterdir()) == []


def test_another_model_and_an_answer_the_structure_rules_out(tmp_path) -> None:
    """carlsmith_2021 marks no headline cruxes: the interview asks its cruxes. Strong
    incentives need APS systems (a structural zero), so after "APS: 50%" an answer of 70% for
    incentives is asked again with the range the structure allows."""
    child = _spawn(tmp_path, "-m", "carlsmith_2021", "--base", "carlsmith", "--out", "kim")
    _answer(child, "Who is answering?", "Kim")
    _answer(child, "Where do your numbers come from?", "")
    child.expect_exact("APS systems feasible: how likely is 'yes'?")
    _answer(child, "your answer", "50%")
    child.expect_exact("Strong incentives to deploy")
    _answer(child, "your answer", "70%")
    child.expect_exact("P(incentives=yes) between 0 and 0.5")
    _answer(child, "your answer", "40%")
    child.expect(r"P\(catastrophe=yes\) \d\.\d{3} -> \d\.\d{3}")
    _answer(child, "your answer", "skip")
    _answer(child, "Go on to the other 2 nodes (mechanisms)?", "n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    net = load_network("carlsmith_2021", tmp_path / "kim.yaml")
    assert posterior(net, "aps_systems")["yes"] == pytest.approx(0.5, abs=1e-12)
    assert posterior(net, "incentives")["yes"] == pytest.approx(0.4, abs=1e-12)


def test_no_answers_write_nothing(tmp_path) -> None:
    child = _spawn(tmp_path, "--base", "gs_deference", "--out", "none")
    _answer(child, "Who is answering?", "Nobody")
    _answer(child, "Where do your numbers come from?", "")
    for _ in range(4):
        _answer(child, "your answer", "same")
    _answer(child, "Go on to the other", "n")
    child.expect_exact("nothing written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1 and list(tmp_path.iterdir()) == []


def test_a_wrong_base_is_refused_before_any_question(tmp_path) -> None:
    child = _spawn(tmp_path, "--base", "gs_deferenc", "--out", "x")
    child.expect(pexpect.EOF)
    child.close()
    out = child.before
    assert child.exitstatus == 2 and "Who is answering" not in out
    assert "cruxnet: error: --base: unknown worldview 'gs_deferenc'" in out
    assert "Traceback" not in out and list(tmp_path.iterdir()) == []


def test_a_long_run_is_announced_and_asked_for_on_a_terminal(tmp_path) -> None:
    """Above 2,000,000 draws the command says the time and memory first and, on a terminal,
    draws only if the user says so (here: no, so nothing is computed)."""
    child = pexpect.spawn(sys.executable, ["-m", "cruxnet", "query", "catastrophe", "-m",
                                           "carlsmith_2021", "--draws", "3e6"],
                          cwd=str(tmp_path), encoding="utf-8", timeout=60, dimensions=(40, 200))
    child.expect(r"3,000,000 parameter draws take about \d+ min of one core and [\d.]+ GiB")
    _answer(child, "Go ahead? [y/N] ", "n")
    child.expect_exact("stopped before drawing 3,000,000 draws, as asked")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
