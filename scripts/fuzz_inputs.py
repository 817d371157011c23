"""Fuzz the inputs people write: mutated model/worldview YAML and BIF/XMLBIF files through the CLI.

Every case must end with exit 0 or with exit 2 and one line ``cruxnet: error: ...``; an internal
error (exit 1), a traceback or a multi-line message counts as a failure. Usage:

    python scripts/fuzz_inputs.py [--seed S] [--cases N]

Prints the number of cases of each kind and the failures found (exit 1 if any).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import random
import re
import tempfile
from pathlib import Path

from cruxnet.catalog import MODELS_DIR, WORLDVIEWS_DIR, load_network
from cruxnet.cli import main as cli
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


def run_cli(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            rc = cli(args)
        except SystemExit as exc:
            rc = int(exc.code or 0)
    return rc, err.getvalue()


def ok(rc: int, err: str) -> bool:
    lines = err.strip().splitlines()
    if rc == 0:
        return True
    return (rc == 2 and len(lines) == 1 and lines[0].startswith("cruxnet: error: ")
            and "internal error" not in lines[0])


def fuzz(cases: int, seed: int) -> int:
    rng = random.Random(seed)
    model = (MODELS_DIR / "crux_network.yaml").read_text(encoding="utf-8")
    wv_dir = WORLDVIEWS_DIR / "crux_network"
    worldview = (wv_dir / "gs_deference.yaml").read_text(encoding="utf-8")
    shared = (wv_dir / "_shared.yaml").read_text(encoding="utf-8")
    import pgmpy  # only for the bnlearn file it ships

    asia = Path(pgmpy.__file__).parent / "utils" / "example_models" / "asia.bif.gz"
    bif = gzip.open(asia, "rt").read()
    xml = format_xmlbif(load_network("carlsmith_2021"))
    failures = 0
    counts = {"model": 0, "worldview": 0, "shared base": 0, "bif": 0, "xmlbif": 0}
    for n in range(cases):
        kind = list(counts)[n % len(counts)]
        counts[kind] += 1
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            if kind in ("bif", "xmlbif"):
                path = d / ("net.bif" if kind == "bif" else "net.xml")
                path.write_text(mutate_text(bif if kind == "bif" else xml, rng), encoding="utf-8")
                args = ["validate", str(path), "--normalize"]
            else:
                wdir = d / "worldviews" / "crux_network"
                wdir.mkdir(parents=True)
                (d / "crux_network.yaml").write_text(
                    mutate_yaml(model, rng) if kind == "model" else model, encoding="utf-8")
                (wdir / "gs_deference.yaml").write_text(
                    mutate_yaml(worldview, rng) if kind == "worldview" else worldview,
                    encoding="utf-8")
                (wdir / "_shared.yaml").write_text(
                    mutate_yaml(shared, rng) if kind == "shared base" else shared,
                    encoding="utf-8")
                args = ["query", "catastrophe", "--model", str(d / "crux_network.yaml")]
                if n % 2:  # every other case also draws parameters from the mutated beliefs
                    args += ["--draws", "64", "--seed", str(n)]
            rc, err = run_cli(args)
            if not ok(rc, err):
                failures += 1
                print(f"case {n} ({kind}): exit {rc}: {err.strip()[:300]}")
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + f" cases; {failures} failures")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cases", type=int, default=1000)
    ns = parser.parse_args()
    return 1 if fuzz(ns.cases, ns.seed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
