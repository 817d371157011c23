"""End-to-end time of the crux report on the bundled model, as a user runs it.

``cruxnet report --out DIR`` on the crux network with its four worldviews and 100,000 draws for
the headline (python startup and imports included), best of R runs, and where the time goes in
one run (``build_report`` steps, then writing). The issue's target: <= 15 s on this machine
class.

Run: python benchmarks/report.py [--runs R]
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "cruxnet", "report", "--out", out],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - t)
    print(f"cruxnet report (crux network, 4 worldviews, 100,000 draws): best "
          f"{min(times):.2f} s, runs {', '.join(f'{x:.2f}' for x in times)} (target <= 15 s)")

    from cruxnet.report import build_report, write_report

    steps: list[tuple[str, float]] = []
    last = [time.perf_counter()]

    def progress(label: str) -> None:
        now = time.perf_counter()
        steps.append((label, now - last[0]))
        last[0] = now

    start = time.perf_counter()
    report = build_report(progress=progress)
    progress("write")
    with tempfile.TemporaryDirectory() as out:
        write_report(report, out)
    progress("end")
    print(f"in-process: {time.perf_counter() - start:.2f} s; each step (time until the next):")
    for (label, _), (_, dt) in itertools.pairwise(steps):
        print(f"  {label:55s} {dt:6.2f} s")


if __name__ == "__main__":
    main()
