"""Fixtures the unit tests share."""

from __future__ import annotations

import pytest

from cruxnet import load_network


@pytest.fixture(scope="module")
def net():
    """The crux network under karnofsky_playbook (loaded once per test module)."""
    return load_network("crux_network", "karnofsky_playbook")
