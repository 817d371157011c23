"""Write the fingerprint of the seed essays that the paraphrase test checks node texts against.

The seed texts are not part of the repository (a user's clone has no ``../shared``), so the
test reads this fingerprint instead: the 8-byte BLAKE2b hash of every run of 9 consecutive
words (lower case, letters, digits and apostrophes) in each seed, sorted, unique. Hashes cannot
be read back into the essays' text. Rerun when the seeds change:

    python scripts/seed_fingerprint.py [SEEDS_DIR] [--out tests/data/seed_9grams.bin]
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path

import numpy as np

N = 9
ROOT = Path(__file__).resolve().parents[1]


def words(text: str) -> list[str]:
    """The tokens the paraphrase check compares (shared with tests/unit/model/test_specs.py)."""
    return re.findall(r"[a-z0-9']+", text.lower())


def gram_hashes(tokens: list[str]) -> np.ndarray:
    """The 8-byte hash of every run of N consecutive tokens, as uint64."""
    out = [int.from_bytes(hashlib.blake2b(" ".join(tokens[i:i + N]).encode(),
                                          digest_size=8).digest(), "little")
           for i in range(len(tokens) - N + 1)]
    return np.array(out, dtype=np.uint64)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seeds", nargs="?", default=str(ROOT.parent / "shared" / "seeds"))
    ap.add_argument("--out", default=str(ROOT / "tests" / "data" / "seed_9grams.bin"))
    ns = ap.parse_args()
    files = sorted(Path(ns.seeds).glob("*.txt"))
    if not files:
        print(f"no seed texts (*.txt) in {ns.seeds}")
        return 1
    hashes = np.unique(np.concatenate([gram_hashes(words(f.read_text(encoding="utf-8")))
                                       for f in files]))
    Path(ns.out).write_bytes(hashes.astype("<u8").tobytes())
    print(f"wrote {len(hashes)} hashes of {N}-word runs from {len(files)} seeds to {ns.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
