"""Shared fixtures, and the order the suite runs in."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# One BLAS/OpenMP thread per process: `make test` runs a pytest worker per core, and the
# processes the tests start (the CLI, kernels) inherit this, so nothing oversubscribes the
# cores. Results do not depend on it (the batched engine's own threads are tested apart).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

# tests/ on sys.path: the shared helpers import as `support.*` (as scripts/ and benchmarks/
# import them).
sys.path.insert(0, str(Path(__file__).parent))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests (marked ``slow``: PyMC fits, kernels, browsers, the sdist) first, so that with
    two workers (``make test`` runs pytest-xdist) neither is left with one long test at the end.
    The order within each group is the collection order; no test depends on another's."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every randomised test is reproducible."""
    return np.random.default_rng(20261123)
