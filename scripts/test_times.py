"""Time the test suite: run pytest (the arguments after ``--`` are passed on, e.g. ``-n 2``),
then print the wall time and, per test file, the summed time of its tests (setup, call and
teardown) and its share, slowest first, plus the slowest single tests.

    python scripts/test_times.py                 # the whole suite as `make test` runs it
    python scripts/test_times.py -- -n 0 tests/unit

The per-file figures are the time the file's tests took on whichever worker ran them; with two
workers they add up to about twice the wall time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--top", type=int, default=15, help="slowest single tests to list")
    p.add_argument("pytest_args", nargs="*", help="arguments for pytest (after --)")
    ns = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "times.xml"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", f"--junitxml={xml}",
                               "-o", "junit_family=xunit2", *ns.pytest_args], cwd=ROOT,
                              check=False)
        wall = time.perf_counter() - start
        cases = ET.parse(xml).getroot().iter("testcase") if xml.exists() else iter(())
        per_file: dict[str, float] = defaultdict(float)
        count: dict[str, int] = defaultdict(int)
        single = []
        for c in cases:
            f = c.get("file") or c.get("classname", "?").replace(".", "/") + ".py"
            t = float(c.get("time", 0))
            per_file[f] += t
            count[f] += 1
            single.append((t, f"{c.get('classname')}::{c.get('name')}"))
    total = sum(per_file.values())
    print(f"\n{'file':60s} {'tests':>6s} {'seconds':>9s} {'share':>6s}")
    for f, t in sorted(per_file.items(), key=lambda kv: -kv[1]):
        print(f"{f:60s} {count[f]:6d} {t:9.1f} {t / max(total, 1e-9):6.1%}")
    print(f"\nslowest {ns.top} tests:")
    for t, name in sorted(single, reverse=True)[:ns.top]:
        print(f"  {t:7.1f} s  {name}")
    print(f"\n{sum(count.values())} tests, summed test time {total:.0f} s, "
          f"wall time {wall:.0f} s (pytest exit {proc.returncode})")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
