"""Shared fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

WORLDVIEWS = ("gs_deference", "karnofsky_playbook", "carlsmith_ai4ais", "human_labor_first")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every randomised test is reproducible."""
    return np.random.default_rng(20261123)
