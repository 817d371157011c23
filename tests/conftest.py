"""Shared fixtures, and the order the suite runs in."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

WORLDVIEWS = ("gs_deference", "karnofsky_playbook", "carlsmith_ai4ais", "human_labor_first")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests (marked ``slow``: PyMC fits, kernels, browsers, the sdist) first, so that with
    two workers (``make test`` runs pytest-xdist) neither is left with one long test at the end.
    The order within each group is the collection order; no test depends on another's."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every randomised test is reproducible."""
    return np.random.default_rng(20261123)
