"""Fixtures the report tests share."""

from __future__ import annotations

import pytest
from support.report import SMALL

from cruxnet.report import build_report


@pytest.fixture(scope="module")
def carlsmith_report():
    """The Carlsmith model's report, small and seeded (built once per test module)."""
    return build_report("carlsmith_2021", seed=3, **SMALL)
