"""The ``cruxnet`` command, run as a user runs it (a subprocess, or in this process where
only its output matters): every command's options, output and one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import ROOT
from support.errors import one_line_error, run_main
from support.models import bare_ratio_worldviews
from support.oracles import bnlearn_path

from cruxnet import load_network, posterior
from cruxnet.inference.marginals import with_stated_marginals
from cruxnet.report import build_report, write_report

COMMANDS = ["models", "query", "summary", "validate", "export", "sensitivity", "lint"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cruxnet", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def run_here(*args: str) -> subprocess.CompletedProcess[str]:
    """``cruxnet ARGS`` in this process (no interpreter to start): for the many bad-input
    checks; what the command prints and returns, as :func:`run` gives it."""
    import contextlib
    import io

    from cruxnet.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(list(args))
        except SystemExit as exc:  # argparse's own errors
            rc = int(exc.code or 0)
    return subprocess.CompletedProcess(["cruxnet", *args], rc, out.getvalue(), err.getvalue())


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("cruxnet: error: ")
    assert "Traceback" not in proc.stderr
    for n in needles:
        assert n in lines[0], lines[0]


def test_query_json_carlsmith() -> None:
    proc = run("query", "catastrophe", "--model", "carlsmith_2021", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["model"] == "carlsmith_2021" and out["worldview"] == "carlsmith"
    assert out["target"] == "catastrophe"
    assert out["posterior"]["yes"] == pytest.approx(0.051376, abs=1e-12)
    assert set(out["provenance"]) >= {"spec_sha256", "worldview_sha256", "cruxnet_version"}


def test_query_with_every_evidence_kind() -> None:
    proc = run("query", "catastrophe", "-w", "karnofsky_playbook", "-e", "lead_time=to_6mo",
               "--likelihood", "scheming=no:1,yes:3", "--fixed",
               "takeoff_speed=slow:0.2,fast:0.5,very_fast:0.3", "--do",
               "capability_restraint=hold", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    from cruxnet import Evidence, load_network, posterior

    expected = posterior(load_network("crux_network", "karnofsky_playbook"), "catastrophe",
                         Evidence(hard={"lead_time": "to_6mo"},
                                  likelihood={"scheming": (1, 3)},
                                  fixed={"takeoff_speed": (0.2, 0.5, 0.3)},
                                  do={"capability_restraint": "hold"}))
    assert out["posterior"]["yes"] == pytest.approx(expected["yes"], abs=1e-15)
    assert out["evidence"]["do"] == {"capability_restraint": "hold"}


def test_text_output_and_models_and_summary() -> None:
    proc = run("query", "scheming")
    assert proc.returncode == 0 and "P(scheming | no evidence)" in proc.stdout
    proc = run("models")
    assert "crux_network" in proc.stdout and "gs_deference*" in proc.stdout
    proc = run("summary", "--json")
    rows = json.loads(proc.stdout)
    assert [r["worldview"] for r in rows] == ["carlsmith_ai4ais", "gs_deference",
                                              "human_labor_first", "karnofsky_playbook"]
    assert set(rows[0]["cruxes"]) == {"scheming", "bgd_exists", "elicitation_success",
                                      "lead_time"}


@pytest.mark.parametrize("command", COMMANDS)
def test_help_on_every_command(command: str) -> None:
    proc = run(command, "--help")
    assert proc.returncode == 0 and "usage: cruxnet " + command in proc.stdout


@pytest.mark.parametrize(("args", "needles"), [
    (["query", "catastrophe", "-e", "scheming=maybe"], ["unknown state 'maybe' of scheming"]),
    (["query", "catastrophe", "-e", "schemingyes"], ["expected NODE=STATE"]),
    (["query", "catastrophe", "--do", "nothing=yes"], ["do: unknown node 'nothing'"]),
    (["query", "nothing"], ["unknown node 'nothing'"]),
    (["query", "Catastrophe"], ["unknown node 'Catastrophe'", "did you mean 'catastrophe'?"]),
    (["query", "catastrophe", "-e", "lead_time=to_6mos"], ["did you mean 'to_6mo'?"]),
    (["query", "catastrophe", "-e", "scheming=yes", "-e", "scheming=no"],
     ["scheming is given twice, as 'yes' and 'no'"]),
    (["query", "catastrophe", "--likelihood", "lead_time=about_1mo:x"], ["'x' is not a number"]),
    (["query", "catastrophe", "--likelihood",
      "lead_time=under_2wk:0,about_1mo:0,to_6mo:0,to_2y:0,over_2y:0"], ["all zeros"]),
    (["query", "catastrophe", "--fixed", "scheming=yes:0.7,no:0.2"], ["sums to 0.9"]),
    (["query", "catastrophe", "-e", "good_initialization=yes", "-e", "scheming=yes"],
     ["probability 0", "good_initialization=yes, scheming=yes"]),
    (["query", "catastrophe", "--model", "nope"], ["unknown model 'nope'"]),
    (["elicit", "panel_2026", "--base", "gs_deference"], ["--base is the interview's"]),
    (["query", "catastrophe", "--model", "missing.yaml"], ["missing.yaml: file not found"]),
    (["query", "catastrophe", "-w", "optimist"], ["unknown worldview 'optimist'"]),
    (["query"], ["TARGET"]),
    (["frobnicate"], ["invalid choice"]),
    (["query", "catastrophe", "--bogus"], ["unrecognized arguments: --bogus"]),
    (["export", "--format", "pdf"], ["invalid choice: 'pdf'"]),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], needles: list[str]) -> None:
    assert_one_line_error(run_here(*args), *needles)


def test_malformed_yaml_model_reports_line(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text("model: m\nnodes:\n  - {id: a, states: [no, yes]\n")
    assert_one_line_error(run_here("query", "a", "--model", str(bad)), "m.yaml", "line 4")


@pytest.mark.slow
def test_bif_file_with_rounded_rows_loads_with_a_note() -> None:
    path = str(bnlearn_path("alarm"))
    # alarm's rows sum to 1 +- 1e-7, what its 7 printed digits explain: normalised, noted.
    proc = run("query", "BP", "--model", path, "-e", "HR=HIGH", "--json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith(f"cruxnet: note: {path}: 6 CPT rows summed to 1 only up to")
    proc = run("query", "BP", "--model", path, "--normalize", "-e", "HR=HIGH", "--json")
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    from support.oracles import pgmpy_bnlearn, pgmpy_query

    expected = pgmpy_query(pgmpy_bnlearn("alarm"), "BP", {"HR": "HIGH"})
    got = json.loads(proc.stdout)["posterior"]
    assert got == pytest.approx(expected, abs=1e-9)


def test_validate(tmp_path: Path) -> None:
    root = ROOT / "cruxnet"
    good = [str(root / "data/crux_network/model.yaml"),
            str(root / "data/crux_network/worldviews/gs_deference.yaml")]
    proc = run("validate", *good)
    assert proc.returncode == 0 and proc.stdout.count(": ok") == 2, proc.stderr
    bad = tmp_path / "w.yaml"
    bad.write_text("worldview: w\nmodel: carlsmith_2021\ncpts: {aps_systems: {p: 2}}\n")
    assert_one_line_error(run_here("validate", str(bad)), "w.yaml")


def test_export_opens_in_pyagrum_and_pgmpy(tmp_path: Path) -> None:
    import pyagrum as gum

    from cruxnet import load_network, posterior

    net = load_network("crux_network", "carlsmith_ai4ais")
    bif, xml = tmp_path / "crux.bif", tmp_path / "crux.bifxml"
    assert run("export", "-w", "carlsmith_ai4ais", "-f", "bif", "-o", str(bif)).returncode == 0
    assert run("export", "-w", "carlsmith_ai4ais", "-f", "xmlbif", "-o",
               str(xml)).returncode == 0
    ours = posterior(net, "catastrophe")["yes"]
    # pyAgrum's file parsers keep about 8 significant digits (entries move by up to 3e-8), so
    # its answer from the files is checked at 1e-7; cruxnet's own round trip is exact.
    for path in (bif, xml):
        bn = gum.loadBN(str(path))
        ie = gum.LazyPropagation(bn)
        ie.makeInference()
        assert ie.posterior("catastrophe")[{"catastrophe": "yes"}] == pytest.approx(ours,
                                                                                   abs=1e-7)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.inference import VariableElimination
        from pgmpy.readwrite import XMLBIFReader

        model = XMLBIFReader(str(xml)).get_model()
        q = VariableElimination(model).query(["catastrophe"], show_progress=False)
    yes = q.state_names["catastrophe"].index("yes")
    assert float(q.values[yes]) == pytest.approx(ours, abs=1e-12)


def test_query_does_not_import_heavy_libraries() -> None:
    code = ("import sys; from cruxnet.cli import main; main(['query', 'catastrophe', '--json']);"
            "heavy = {'pgmpy', 'pymc', 'arviz', 'pytensor', 'xarray', 'pandas', 'scipy'};"
            "print(sorted({m.split('.')[0] for m in sys.modules} & heavy), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "[]"


@pytest.mark.slow
def test_query_with_draws_json_and_reproducible() -> None:
    args = ("query", "catastrophe", "-e", "scheming=yes", "--draws", "5e3", "--seed", "4",
            "--ci", "0.8", "--json")
    first, second = run(*args), run(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout  # same seed: byte-identical JSON
    out = json.loads(first.stdout)
    assert out["draws"] == 5000 and out["seed"] == 4 and out["ci_prob"] == 0.8
    assert out["impossible_draws"] == 0 and out["ci_kind"] == "eti"
    assert set(out["mean"]) == set(out["interval"]) == {"no", "yes"}
    lo, hi = out["interval"]["yes"]
    assert 0 <= lo < out["median"]["yes"] < hi <= 1
    assert sum(out["mean"].values()) == pytest.approx(1.0, abs=1e-12)
    # The point answer is the network at the parameters' means; the draws' mean is near it.
    assert out["mean"]["yes"] == pytest.approx(out["posterior"]["yes"], abs=0.03)
    other = json.loads(run(*args[:-3], "--seed", "5", "--json").stdout)
    assert other["mean"] != out["mean"]


def test_query_with_draws_text_and_aggregation_note() -> None:
    proc = run("query", "catastrophe", "-m", "carlsmith_2021", "-w", "superforecasters_2023",
               "--draws", "20000")
    assert proc.returncode == 0, proc.stderr
    assert "90% [" in proc.stdout and "20000 draws" in proc.stdout
    assert "product of medians" in proc.stdout and "differ by" in proc.stdout


def test_query_draws_on_a_bif_file_needs_an_ess() -> None:
    path = str(bnlearn_path("asia"))
    assert_one_line_error(run_here("query", "lung", "-m", path, "--normalize", "--draws", "100"),
                          "states no uncertainty", "--ess")
    proc = run("query", "lung", "-m", path, "--normalize", "--draws", "100", "--ess", "20",
               "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["draws"] == 100


@pytest.mark.parametrize(("extra", "needle"), [
    (["--draws", "0"], "--draws must be a positive integer"),
    (["--draws", "ten"], "--draws must be a positive integer"),
    (["--draws", "1.5"], "--draws must be a positive integer"),
    (["--draws", "10", "--seed", "x"], "--seed must be a non-negative integer"),
    (["--draws", "10", "--seed", "-3"], "--seed must be a non-negative integer"),
    (["--draws", "10", "--ci", "1"], "--ci must be a number in (0, 1)"),
    (["--draws", "10", "--ci", "nan"], "--ci must be a number in (0, 1)"),
    (["--draws", "10", "--ess", "-1"], "--ess must be a number > 0"),
    (["--draws", "1e15"], "more than the limit of 1e+09 draws"),
])
def test_bad_draw_options_are_one_line_errors(extra: list[str], needle: str) -> None:
    assert_one_line_error(run_here("query", "catastrophe", *extra), needle)


@pytest.mark.slow
def test_summary_with_draws_gives_intervals_per_worldview() -> None:
    proc = run("summary", "-w", "gs_deference", "-w", "human_labor_first", "--draws", "4000",
               "--seed", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["worldview"] for r in rows] == ["gs_deference", "human_labor_first"]
    for r in rows:
        lo, hi = r["interval"]["yes"]
        assert lo < r["mean"]["yes"] < hi and r["draws"] == 4000 and r["seed"] == 2
    text = run("summary", "--draws", "2000")
    assert text.returncode == 0 and "90% [" in text.stdout and "2000 parameter draws" in text.stdout


@pytest.mark.slow
def test_sensitivity_json_matches_the_library_and_plots(tmp_path: Path) -> None:
    from cruxnet import Evidence, load_network
    from cruxnet.sensitivity import Question, lever_effects, node_swings

    png = tmp_path / "t.png"
    proc = run("sensitivity", "catastrophe", "-w", "karnofsky_playbook", "-e",
               "deception_demonstrated=yes", "-n", "300", "--seed", "2", "--json",
               "--plot", str(png))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    net = load_network("crux_network", "karnofsky_playbook")
    q = Question(net, "catastrophe", evidence=Evidence(hard={"deception_demonstrated": "yes"}),
                 draws=300, seed=2)
    ds = node_swings(q)
    first = out["rows"][0]
    assert first["node"] == str(ds.node.values[0])
    assert first["swing"] == pytest.approx(float(ds.swing[0]), rel=1e-12)
    assert first["swing_ci"] == pytest.approx(ds.swing_ci.values[0].tolist(), rel=1e-12)
    assert out["attrs"]["seed"] == 2 and out["attrs"]["worldview"] == "karnofsky_playbook"
    assert png.stat().st_size > 10_000
    proc = run("sensitivity", "catastrophe", "-w", "karnofsky_playbook", "--method", "levers",
               "-n", "0", "--json")
    levers = lever_effects(Question(net, "catastrophe", draws=0))
    rows = json.loads(proc.stdout)["rows"]
    assert [r["lever"] for r in rows] == [str(v) for v in levers.lever.values]
    assert rows[0]["effect_ci"] == [None, None]


@pytest.mark.slow
def test_sensitivity_text_methods_and_bad_input(tmp_path: Path) -> None:
    proc = run("sensitivity", "catastrophe", "--compare", "human_labor_first", "--top", "3")
    assert proc.returncode == 0, proc.stderr
    assert "why human_labor_first differs from gs_deference" in proc.stdout
    assert "alignment_difficulty" in proc.stdout and "more (--top" in proc.stdout
    proc = run("sensitivity", "catastrophe", "--method", "cruxes", "--threshold", "0.3",
               "-n", "0", "--nodes", "scheming,lead_time")
    assert proc.returncode == 0, proc.stderr
    assert "across 0.3" in proc.stdout and "scheming" in proc.stdout
    assert_one_line_error(run_here("sensitivity", "catastrophe", "--method", "cruxes"),
                          "needs --threshold")
    assert_one_line_error(run_here("sensitivity", "catastrophe", "--method", "cruxes",
                              "--threshold", "1.5"), "--threshold must be a number in (0, 1)")
    assert_one_line_error(run_here("sensitivity", "catastrophy"),
                          "unknown target node 'catastrophy'")
    assert_one_line_error(run_here("sensitivity", "catastrophe", "--method", "sobol",
                              "--samples", "1000"), "power of 2", "1024")
    assert_one_line_error(run_here("sensitivity", "catastrophe", "--nodes", "schemin"),
                          "unknown node 'schemin'")
    other = ROOT / "cruxnet/data/carlsmith_2021/worldviews/carlsmith.yaml"
    assert_one_line_error(run_here("sensitivity", "catastrophe", "--compare", str(other)),
                          "carlsmith_2021", "not 'crux_network'")
    assert run("sensitivity", "--help").returncode == 0


def test_lint_command_exit_status(tmp_path: Path) -> None:
    proc = run("lint", "superforecasters_2023", "-m", "carlsmith_2021", "-n", "0")
    assert proc.returncode == 0, proc.stderr
    assert "stated P(catastrophe=yes) = 0.01" in proc.stdout
    model = tmp_path / "m.yaml"
    model.write_text("model: m\ndefault_worldview: w\nnodes:\n"
                     "  - {id: a, states: [no, yes]}\n"
                     "  - {id: b, states: [no, yes], parents: [a],\n"
                     "     expect: {increases_with: [a]}}\n")
    (tmp_path / "w.yaml").write_text("worldview: w\nmodel: m\ndefault_ess: 10\ncpts:\n"
                                     "  a: {form: table, p: 0.5}\n"
                                     "  b: {form: table, rows: {no: [0.2, 0.8], "
                                     "yes: [0.6, 0.4]}}\n")
    proc = run("lint", str(tmp_path / "w.yaml"), "-m", str(model), "--json")
    assert proc.returncode == 1
    findings = json.loads(proc.stdout)["findings"]
    (error,) = [f for f in findings if f["severity"] == "error"]
    assert error["kind"] == "monotonicity" and "should rise with a" in error["message"]


@pytest.mark.parametrize("args,needle", [
    (["report", "-m", "carlsmith_2021", "--draws", "200", "--analysis-draws", "100", "--out",
      "{tmp}/afile"], "afile: cannot write the report there: it is a file, not a folder"),
    (["elicit", "panel_2026", "--out", "{tmp}/no/such/dir/x.yaml"],
     "x.yaml: cannot write the worldview: the folder"),
    (["query", "catastrophe", "-w",
      "cruxnet/data/crux_network/worldviews/panel_2026.elicit.yaml"],
     "this is an elicitation file, not a worldview"),
])
def test_files_that_cannot_be_written_or_are_the_wrong_kind(tmp_path: Path, args: list[str],
                                                             needle: str) -> None:
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from cruxnet.cli import main

    (tmp_path / "afile").write_text("not a directory")
    err = io.StringIO()
    argv = [a.replace("{tmp}", str(tmp_path)) if "{tmp}" in a else
            (str(ROOT / a) if a.startswith("cruxnet/") else a) for a in args]
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = main(argv)
    lines = err.getvalue().strip().splitlines()
    assert rc == 2 and len(lines) == 1 and lines[0].startswith("cruxnet: error: ")
    assert needle in lines[0]


# Issue 13, item 12: validate and lint report what draws would refuse.
def test_validate_and_lint_report_what_draws_refuse(tmp_path, capsys):
    wv = bare_ratio_worldviews(tmp_path)
    rc, _, err = run_main(capsys, "query", "catastrophe", "-w", str(wv), "--draws", "20")
    one_line_error(rc, err, "states no uncertainty")
    refused = err.split("node ")[1].split(":")[0]
    rc, out, err = run_main(capsys, "validate", str(wv), "--model", "crux_network")
    assert rc == 0 and "ok" in out
    warned = [line for line in err.splitlines() if line.startswith("cruxnet: warning:")]
    assert any(f"node {refused}:" in w and "parameter" in w for w in warned), err
    rc, out, err = run_main(capsys, "lint", str(wv), "--draws", "0", "--json")
    findings = json.loads(out)["findings"]
    assert any(f["kind"] == "no-uncertainty" and f["node"] == refused for f in findings)
    # The bundled worldviews have none.
    from cruxnet.base.bundled import worldview_dir

    rc, out, err = run_main(capsys, "validate", "--model", "crux_network",
                            str(worldview_dir("crux_network") / "karnofsky_playbook.yaml"))
    assert rc == 0 and "warning" not in err


# Issue 14 (the crux network v0.2), R8.
def test_cli_rankings_default_and_option(capsys: pytest.CaptureFixture[str]) -> None:
    from cruxnet.cli import main

    assert main(["sensitivity", "catastrophe", "--draws", "0", "--json", "--top", "50"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert {"misaligned_takeover", "exogenous_catastrophe"}.isdisjoint(r["node"] for r in rows)
    assert all("do_swing" in r for r in rows)
    assert main(["sensitivity", "catastrophe", "--draws", "0", "--json",
                 "--include-outcomes"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert "misaligned_takeover" in {r["node"] for r in rows}


# Issue 14 (the crux network v0.2), R9, R10.
def test_carlsmith_reading_is_not_attributed_to_him(capsys: pytest.CaptureFixture[str]) -> None:
    from cruxnet.cli import main

    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "not his own estimate" in x)
    assert line.split()[0] == "carlsmith_ai4ais" and "carlsmith_2021" in line


@pytest.mark.slow
def test_elicit_command_writes_a_worldview_and_names_bad_input(tmp_path):
    out = tmp_path / "pooled.yaml"
    run = subprocess.run([sys.executable, "-m", "cruxnet", "elicit", "panel_2026", "--out",
                          str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "P(catastrophe=yes)" in run.stdout and "log pool of 3 experts" in run.stdout
    q = subprocess.run([sys.executable, "-m", "cruxnet", "query", "catastrophe", "-w",
                        str(out), "--json"], capture_output=True, text=True)
    assert q.returncode == 0, q.stderr
    bad = tmp_path / "bad.elicit.yaml"
    bad.write_text(textwrap.dedent("""\
        elicitation: bad
        model: crux_network
        extends: gs_deference
        records:
          - {node: infosec_strong, quantiles: {0.9: 0.2, 0.1: 0.4}, who: a, when: 2026-01-01,
             source: x}
        """))
    run = subprocess.run([sys.executable, "-m", "cruxnet", "elicit", str(bad)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.startswith("cruxnet: error: ") and "records[0]" in run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


def test_cli_marginal_equals_python(tmp_path) -> None:
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "cruxnet", "query", "catastrophe", "--json",
                           "--marginal", "scheming=yes:0.08", "--marginal",
                           "lead_time=under_2wk:0.5,about_1mo:0.2,to_6mo:0.2,to_2y:0.1,over_2y:0"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    net = with_stated_marginals(load_network("crux_network", "gs_deference"),
                                {"scheming": [0.92, 0.08], "lead_time": [0.5, 0.2, 0.2, 0.1, 0]})
    assert out["posterior"]["yes"] == pytest.approx(posterior(net, "catastrophe")["yes"],
                                                    abs=1e-12)
    assert "lead_time" in out["provenance"]["stated_marginals"]
    bad = subprocess.run([sys.executable, "-m", "cruxnet", "query", "catastrophe", "--marginal",
                          "lead_time=under_2wk:0.5"], capture_output=True, text=True,
                         timeout=120, check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "give the others too (about_1mo, to_6mo, to_2y, over_2y)" in bad.stderr


def test_query_text_says_whose_view_it_is(capsys) -> None:
    """The text answer names the stated marginals it was computed under (else it reads as the
    worldview's own answer)."""
    from cruxnet.cli import main

    assert main(["query", "catastrophe", "--marginal", "scheming=yes:0.08"]) == 0
    out = capsys.readouterr().out
    assert "my view (stated marginals): scheming: no 92%, yes 8%" in out
    assert main(["query", "catastrophe"]) == 0
    assert "my view" not in capsys.readouterr().out


@pytest.mark.slow
def test_report_command(tmp_path):
    run = [sys.executable, "-m", "cruxnet", "report", "-m", "carlsmith_2021", "--draws",
           "2000", "--analysis-draws", "200", "--out", str(tmp_path / "r")]
    proc = subprocess.run(run, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r" / "report.html").exists() and (tmp_path / "r" / "report.md").exists()
    # Off a terminal, progress is one line per step on stderr, with the seconds so far.
    steps = proc.stderr.strip().splitlines()
    assert len(steps) >= 4 and all(
        re.fullmatch(r"cruxnet report: \[ *\d+\.\d s\] \S.*", line) for line in steps), steps
    assert any("writing report.html" in line for line in steps)
    # The command computes worldviews and figures on worker processes; the same report comes
    # out of one process, byte for byte (figures included).
    serial = build_report("carlsmith_2021", draws=2000, analysis_draws=200)
    write_report(serial, tmp_path / "s")
    for rel in ["report.md", "report.html", *(f"figures/{p.name}" for p in
                                              (tmp_path / "r" / "figures").iterdir())]:
        assert (tmp_path / "r" / rel).read_bytes() == (tmp_path / "s" / rel).read_bytes(), rel
    bad = subprocess.run([*run, "--threshold", "2"], capture_output=True, text=True,
                         timeout=120, check=False)
    assert bad.returncode == 2
    assert bad.stderr.startswith("cruxnet: error: ") and "--threshold" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
