"""End-to-end time of the crux report on the bundled model, as a user runs it.

``cruxnet report --out DIR`` on the crux network with its four worldviews and 100,000 draws for
the headline (python startup and imports included), best of R runs, as shipped (worldviews and
figures on two worker processes) and in one process (``CRUXNET_NO_WORKERS=1``), alternating;
then where the time goes in one in-process run (``build_report`` steps, then writing). The
issue's target: <= 15 s on this machine class.

Run: python benchmarks/report.py [--runs R]
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    times: dict[str, list[float]] = {"two worker processes": [], "one process": []}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.runs):
            for label, env in (("two worker processes", {}),
                               ("one process", {"CRUXNET_NO_WORKERS": "1"})):
                t = time.perf_counter()
                subprocess.run([sys.executable, "-m", "cruxnet", "report", "--out", out],
                               check=True, capture_output=True, env={**os.environ, **env})
                times[label].append(time.perf_counter() - t)
    for label, ts in times.items():
        print(f"cruxnet report (crux network, 4 worldviews, 100,000 draws), {label}: best "
              f"{min(ts):.2f} s, runs {', '.join(f'{x:.2f}' for x in ts)} (target <= 15 s)")
    print(f"one process / two workers (best of each): "
          f"{min(times['one process']) / min(times['two worker processes']):.2f}x")

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
