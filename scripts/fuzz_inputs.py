"""Fuzz the inputs people write: mutated models, worldviews, elicitation records, ledgers,
BIF/XMLBIF files and command-line evidence, through the CLI.

Every case must end with exit 0 or with exit 2 and one line ``cruxnet: error: ...``; an internal
error (exit 1), a traceback or a multi-line message counts as a failure. Usage:

    python scripts/fuzz_inputs.py [--seed S] [--cases N]
    python scripts/fuzz_inputs.py --write-corpus tests/fuzz_corpus [--per-kind K]

The first prints the number of cases of each kind and the failures found (exit 1 if any). The
second writes a corpus of inputs the CLI must reject (exit 2, one line): K mutants of each kind
that are invalid, plus hand-written ones (empty files, deep nesting, YAML tags, alias bombs,
NaN, huge numbers, unicode, bytes that are not UTF-8), with a manifest that
tests/system/test_fuzz_corpus.py replays. How a case is laid out and run (``run_case``) lives in
tests/support/fuzz.py, which the corpus test uses too.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.fuzz import KIND_FILES, ok, run_case

from cruxnet.base.bundled import model_file, worldview_dir
from cruxnet.catalog import load_network
from cruxnet.io.xmlbif import format_xmlbif

YAML_TOKENS = ["0.5", "-1", "1e309", ".nan", "yes", "[]", "{}", "null", "~", "[a, b]",
               "{x: 1}", "'''", "!!python/object:os.system", "2", "abc", "[0.5, 0.5]", "\t",
               ":", "- ", "&a", "*a", "é"]
NET_TOKENS = ["{", "}", "(", ")", ";", ",", "|", "table", "default", "-0.5", "1e400", "nan",
              "x", "[ 3 ]", "<", ">", "</TABLE>", "<GIVEN>a</GIVEN>", "&", "variable",
              "probability", "é"]


def mutate_yaml(text: str, rng: random.Random) -> str:
    """Replace a value, drop, swap, insert into or cut a character from 1-3 lines."""
    lines = text.splitlines()
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.3:
            vals = list(re.finditer(r"(?<=[:\[, ])[^\s,\]\}\[{]+", lines[i]))
            if vals:
                m = rng.choice(vals)
                lines[i] = lines[i][:m.start()] + rng.choice(YAML_TOKENS) + lines[i][m.end():]
        elif op < 0.5:
            del lines[i]
        elif op < 0.7:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op < 0.85:
            k = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:k] + rng.choice(YAML_TOKENS) + lines[i][k:]
        else:
            k = rng.randrange(max(1, len(lines[i])))
            lines[i] = lines[i][:k] + lines[i][k + 1:]
    return "\n".join(lines) + "\n"


def mutate_text(text: str, rng: random.Random) -> str:
    """Insert a token, cut a run of characters, or duplicate a slice, 1-3 times."""
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(len(text))
        op = rng.random()
        if op < 0.4:
            text = text[:k] + rng.choice(NET_TOKENS) + text[k:]
        elif op < 0.8:
            text = text[:k] + text[k + rng.randint(1, 8):]
        else:
            j = rng.randrange(len(text))
            text = text[:k] + text[j:j + 20] + text[k:]
    return text


# ---------------------------------------------------------------------------- the corpus
LEDGER = "\n".join([
    '{"kind": "hard", "node": "deception_demonstrated", "state": "yes", "citation": "c", '
    '"date": "2026-05-01", "by": "a"}',
    '{"kind": "likelihood", "node": "scheming", "weights": {"no": 1, "yes": 3}, "citation": '
    '"c", "date": "2026-05-02", "by": "a"}',
    '{"kind": "fixed", "node": "lead_time", "marginal": {"about_1mo": 0.7, "to_6mo": 0.3}, '
    '"citation": "c", "date": "2026-05-03", "by": "a"}',
    '{"kind": "do", "node": "capability_restraint", "state": "pause", "citation": "c", '
    '"date": "2026-05-04", "by": "a"}',
    '{"kind": "data", "node": "infosec_strong", "counts": {"no": 3, "yes": 1}, "given": {}, '
    '"citation": "c", "date": "2026-05-05", "by": "a"}']) + "\n"
EVIDENCE_FLAGS = ["-e", "--likelihood", "--fixed", "--do"]
EVIDENCE_VALUES = ["scheming=yes", "scheming=no:1,yes:3", "lead_time=about_1mo:0.7,to_6mo:0.3",
                   "capability_restraint=pause"]
CLI_TOKENS = ["=", ":", ",", "nan", "inf", "-1", "1e400", "é", "ß", "\u202e", " ", "yes", "no",
              "scheming", "lead_time", "0", "", "==", "::", ",,", "\x00"]


def mutate_cli(rng: random.Random) -> list[str]:
    """A query whose evidence strings have typos, wrong types, NaN, huge numbers, unicode."""
    args = ["query", "catastrophe"]
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(EVIDENCE_FLAGS))
        value = EVIDENCE_VALUES[i]
        for _ in range(rng.randint(1, 3)):
            k = rng.randrange(len(value) + 1)
            op = rng.random()
            if op < 0.5:
                value = value[:k] + rng.choice(CLI_TOKENS) + value[k:]
            else:
                value = value[:k] + value[k + rng.randint(1, 4):]
        args += [EVIDENCE_FLAGS[rng.randrange(len(EVIDENCE_FLAGS))] if rng.random() < 0.2
                 else EVIDENCE_FLAGS[i], value]
    if rng.random() < 0.3:
        args += ["--draws", rng.choice(["0", "-5", "1e12", "nan", "2.5", "100"]),
                 "--seed", rng.choice(["-1", "x", "1"])]
    return [a.replace("\x00", "") for a in args]


def handwritten() -> list[tuple[str, bytes | None, list[str], str]]:
    """Inputs no mutation reaches: (kind, content, extra args, what it is)."""
    nested = ("a: " + "[" * 5000 + "]" * 5000 + "\n").encode()
    bomb = ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e]\n"
            "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n")
    tag = "!!python/object/apply:os.system ['touch CRUXNET_FUZZ_MARKER']"
    wv = (worldview_dir("crux_network") / "gs_deference.yaml").read_text(encoding="utf-8")
    model = (model_file("crux_network")).read_text(encoding="utf-8")
    out: list[tuple[str, bytes | None, list[str], str]] = []
    for kind in ("model", "worldview", "shared", "elicit", "ledger", "bif", "xmlbif"):
        out.append((kind, b"", [], "empty file"))
        out.append((kind, b"\xff\xfe\x00garbage\x80", [], "bytes that are not UTF-8"))
    for kind in ("model", "worldview", "elicit"):
        out.append((kind, nested, [], "5000 levels of nested lists"))
        out.append((kind, bomb.encode(), [], "an alias bomb (9^7 leaves if expanded)"))
        out.append((kind, f"{tag}\n".encode(), [], "a YAML tag that would run a command"))
        out.append((kind, f"x: {tag}\n".encode(), [], "the same tag as a value"))
        out.append((kind, b"just a string\n", [], "a scalar, not a mapping"))
        out.append((kind, b"- a\n- list\n", [], "a list, not a mapping"))
    out.append(("worldview", wv.replace("p: [0.30, 0.45, 0.25]", "p: [.nan, 0.45, 0.25]")
                .encode(), [], "NaN in a row"))
    out.append(("worldview", wv.replace("p: [0.30, 0.45, 0.25]", "p: [1e400, 0.45, 0.25]")
                .encode(), [], "a huge number in a row"))
    out.append(("worldview", wv.replace("p: 0.75, ess: 8", "p: 0.75, ess: .inf").encode(), [],
                "an infinite ess"))
    out.append(("worldview", wv.replace("p: 0.75, ess: 8", "p: 0.75, ess: -8").encode(), [],
                "a negative ess"))
    out.append(("worldview", wv.replace("worldview: gs_deference", "worldview: gs_deference\n"
                                        "worldview: again").encode(), [], "a repeated key"))
    out.append(("worldview", wv.replace("alignment_difficulty:", "alignment_dífficulty:", 1)
                .encode(), [], "a unicode look-alike node id"))
    out.append(("worldview", ("\ufeff" + wv.replace("model: crux_network", "model: crux_netwrok"))
                .encode(), [], "a BOM and a typo in the model name"))
    out.append(("model", model.replace("states: [no, yes]", "states: [no, no]", 1).encode(), [],
                "a repeated state"))
    out.append(("model", model.replace("id: catastrophe", "id: misaligned_takeover").encode(),
                [], "a repeated node id"))
    out.append(("model", model.replace("- node: misaligned_takeover", "- node: catastrophe", 1)
                .encode(), [], "a cycle"))
    out.append(("ledger", b'{"kind": "hard", "node": "scheming", "state": "yes"}\n', [],
                "an entry without citation, date or by"))
    out.append(("ledger", LEDGER.replace('"counts": {"no": 3, "yes": 1}',
                                         '"counts": {"no": NaN, "yes": 1}').encode(), [],
                "NaN counts"))
    out.append(("ledger", LEDGER.replace('"counts": {"no": 3, "yes": 1}', '"k": 9, "n": 2')
                .encode(), [], "k larger than n"))
    out.append(("ledger", ("[" * 3000 + "]" * 3000 + "\n").encode(), [],
                "deeply nested JSON"))
    out.append(("cli", None, ["query", "catastrophe", "-e", "scheming=yes", "-e",
                              "scheming=no", "-e", "catastrophe=maybe"], "an unknown state"))
    out.append(("cli", None, ["query", "catastrophe", "--fixed", "scheming=no:0.5,yes:0.6"],
                "a fixed marginal summing to 1.1"))
    out.append(("cli", None, ["query", "catastrophe", "-e", "catastrophe=yes", "-e",
                              "misaligned_takeover=no", "-e", "exogenous_catastrophe=no"],
                "impossible evidence"))
    # Issue 13, items 9-13: input read too loosely or too strictly.
    out.append(("cli", None, ["query", "catastrophe", "--likelihood", "scheming=yes:3"],
                "likelihood evidence leaving out a state"))
    out.append(("cli", None, ["sensitivity", "catastrophe", "--likelihood",
                              "lead_time=about_1mo:2,to_6mo:1", "--draws", "0"],
                "likelihood evidence leaving out two states"))
    out.append(("ledger", LEDGER.replace('"weights": {"no": 1, "yes": 3}', '"weights": {"yes": 3}')
                .encode(), [], "a ledger likelihood leaving out a state"))
    asia = _sources()["bif"]
    out.append(("bifstrict", asia.replace("0.01, 0.99", "0.01, 0.98", 1).encode(), [],
                "a BIF row summing to 0.99, beyond its digits' rounding"))
    out.append(("bifstrict", asia.replace("0.01, 0.99", "0.01, 1", 1).encode(), [],
                "a BIF row summing to 1.01 with an exact integer entry"))
    out.append(("xdsl", b'<?xml version="1.0"?>\n<smile version="1.0" id="n"><nodes/></smile>\n',
                [], "a GeNIe .xdsl file"))
    out.append(("hugin", b"net\n{\n}\nnode a\n{\n  states = (\"x\" \"y\");\n}\n", [],
                "a Hugin .net file"))
    out.append(("netica", b"// ~->[DNET-1]->~\nbnet n {\n};\n", [], "a Netica .dne file"))
    shared = (worldview_dir("crux_network") / "_shared.yaml").read_text(encoding="utf-8")
    out.append(("shared", re.sub(r"(?m)^default_sd_log:.*$", "", shared).encode(),
                ["--draws", "64"], "bare odds ratios with no default_sd_log, drawn"))
    out.append(("cli", None, ["report", "--out", "rep", "--fixed", "catastrophe=no:0.9,yes:0.1",
                              "--fixed", "misaligned_takeover=no:0.5,yes:0.5"],
                "a report with fixed marginals that cannot hold together"))
    out.append(("cli", None, ["report", "--out", "rep", "-e", "catastrophe=yes", "-e",
                              "misaligned_takeover=no", "-e", "exogenous_catastrophe=no"],
                "a report under impossible evidence"))
    # Issue 29: names, limits and values read as their type says.
    out += issue_29_cases(model, wv, asia)
    return out


def issue_29_cases(model: str, wv: str, asia: str) -> list[tuple[str, bytes | None, list[str],
                                                                  str]]:
    """Names the command line or a terminal cannot carry, inputs beyond the limits, values of
    the wrong type, output paths that cannot be written (issue 29)."""
    elicit = (worldview_dir("crux_network") / "panel_2026.elicit.yaml").read_text(
        encoding="utf-8")
    wide_parents = "\n".join(f"  - {{id: p{i}, states: [no, yes]}}" for i in range(30))
    wide = (f"model: wide\nnodes:\n{wide_parents}\n  - {{id: c, states: [no, yes], parents: "
            f"[{', '.join(f'p{i}' for i in range(30))}]}}\n")
    many = ("model: many\nnodes:\n  - {id: a, states: ["
            + ", ".join(f"s{i}" for i in range(100_000)) + "]}\n")
    return [
        ("model", model.replace("id: catastrophe", "id: cata strophe", 1).encode(), [],
         "a node name with a space"),
        ("model", model.replace("states: [no, yes]", "states: [no, 'ye:s']", 1).encode(), [],
         "a state name with a ':'"),
        ("model", model.replace("states: [no, yes]", 'states: [no, "ye\\e[2Js"]', 1)
         .encode(), [], "a state name with a terminal escape"),
        ("model", model.replace("headline: true", "headline: no", 1).encode(), [],
         "headline: no (text, not false)"),
        ("model", wide.encode(), [], "a table of 30 parents"),
        ("model", many.encode(), [], "100,000 states"),
        ("worldview", wv.replace("p: 0.75, ess: 8", "p: 0.75, ess: 1e-300").encode(), [],
         "a tiny ess"),
        ("bifstrict", asia.replace("(yes) 0.05, 0.95;", "(yes) 0.05, 0.95; (yes) 0.5, 0.5;", 1)
         .encode(), [], "a BIF row given twice"),
        ("ledger", LEDGER.replace('"state": "yes"', '"state": "yes", "state": "no"', 1)
         .encode(), [], "a ledger object repeating a key"),
        ("ledger", LEDGER.replace('"counts": {"no": 3, "yes": 1}',
                                  '"counts": {"no": 3, "yes": 1e30}').encode(), [],
         "a ledger count of 1e30"),
        ("elicit", elicit.replace("when: 2026-10-02", "when: 2026-02-31", 1).encode(), [],
         "an impossible date in an elicitation record"),
        ("cli", None, ["query", "catastrophe", "--draws", "inf"], "--draws inf"),
        ("cli", None, ["query", "catastrophe", "--draws", "1e400"], "--draws 1e400"),
        ("cli", None, ["query", "catastrophe", "--fixed", "scheming=yes:1.5"],
         "a fixed marginal above 1"),
        ("cli", None, ["explore", "--no-draws", "--out", "no/such/folder/x.html"],
         "explore into a missing folder"),
        ("cli", None, ["sensitivity", "catastrophe", "--draws", "0", "--plot", "t.bmp"],
         "a --plot with an unknown picture format"),
        ("cli", None, ["elicit", "panel_2026", "--base", "gs_deference"],
         "--base without --interview"),
    ]


KINDS = ["model", "worldview", "shared", "elicit", "ledger", "bif", "xmlbif", "cli"]


def _sources() -> dict[str, str]:
    """The valid inputs the mutants start from."""
    import pgmpy  # only for the bnlearn file it ships

    wv_dir = worldview_dir("crux_network")
    model = (model_file("crux_network")).read_text(encoding="utf-8")
    sources = {"model": model, "worldview": (wv_dir / "gs_deference.yaml").read_text("utf-8"),
               "shared": (wv_dir / "_shared.yaml").read_text("utf-8"),
               "elicit": (wv_dir / "panel_2026.elicit.yaml").read_text("utf-8"),
               "ledger": LEDGER}
    asia = Path(pgmpy.__file__).parent / "utils" / "example_models" / "asia.bif.gz"
    sources["bif"] = gzip.open(asia, "rt").read()
    sources["xmlbif"] = format_xmlbif(load_network("carlsmith_2021"))
    return sources


def mutant(kind: str, sources: dict[str, str], rng: random.Random, n: int
           ) -> tuple[bytes | None, list[str]]:
    """One mutated input of ``kind``: its file content (None for "cli") and extra arguments."""
    if kind == "cli":
        return None, mutate_cli(rng)
    text = sources[kind]
    mutated = (mutate_text(text, rng) if kind in ("bif", "xmlbif", "ledger")
               else mutate_yaml(text, rng))
    # Every other worldview case also draws parameters from the mutated beliefs.
    extra = ["--draws", "64", "--seed", "1"] if kind in ("worldview", "shared") and n % 2 else []
    return mutated.encode("utf-8"), extra


def fuzz(cases: int, seed: int) -> int:
    """Run ``cases`` random mutants (all kinds in turn); print and count the failures."""
    rng = random.Random(seed)
    sources = _sources()
    failures = 0
    counts = dict.fromkeys(KINDS, 0)
    for n in range(cases):
        kind = KINDS[n % len(KINDS)]
        counts[kind] += 1
        content, extra = mutant(kind, sources, rng, n)
        rc, err = run_case(kind, content, extra)
        if not ok(rc, err):
            failures += 1
            print(f"case {n} ({kind}): exit {rc}: {err.strip()[:300]}")
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + f" cases; {failures} failures")
    return failures


def write_corpus(out_dir: Path, per_kind: int, seed: int) -> int:
    """Write ``per_kind`` rejected mutants of each kind plus the hand-written cases."""
    import json

    rng = random.Random(seed)
    sources = _sources()
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("case*"):
        old.unlink()
    manifest: list[dict[str, object]] = []
    failures = 0

    def keep(kind: str, content: bytes | None, extra: list[str], what: str) -> None:
        nonlocal failures
        rc, err = run_case(kind, content, extra)
        if rc == 0:
            return
        if not ok(rc, err):
            failures += 1
            print(f"FAILURE ({kind}, {what}): exit {rc}: {err.strip()[:300]}")
        name = f"case{len(manifest):04d}"
        entry: dict[str, object] = {"id": name, "kind": kind, "what": what, "args": extra}
        if content is not None:
            suffix = Path(KIND_FILES.get(kind, "x.txt")).suffix
            (out_dir / f"{name}{suffix}").write_bytes(content)
            entry["file"] = f"{name}{suffix}"
        manifest.append(entry)

    for kind in KINDS:
        kept = len(manifest)
        tries = 0
        while len(manifest) - kept < per_kind and tries < 50 * per_kind:
            tries += 1
            content, extra = mutant(kind, sources, rng, tries)
            keep(kind, content, extra, "mutated evidence strings" if kind == "cli"
                 else f"mutated {kind}")
    for kind, content, extra, what in handwritten():
        keep(kind, content, extra, what)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=True)
                                           + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for e in manifest:
        counts[str(e["kind"])] = counts.get(str(e["kind"]), 0) + 1
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    print(f"wrote {len(manifest)} cases to {out_dir} ({summary}); {failures} failures")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--write-corpus", metavar="DIR", default=None,
                        help="write a corpus of rejected inputs and its manifest to DIR")
    parser.add_argument("--per-kind", type=int, default=30,
                        help="mutants of each kind in the corpus (default 30)")
    ns = parser.parse_args()
    if ns.write_corpus:
        return 1 if write_corpus(Path(ns.write_corpus), ns.per_kind, ns.seed) else 0
    return 1 if fuzz(ns.cases, ns.seed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
