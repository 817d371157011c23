"""Fixtures the updating tests share."""

from __future__ import annotations

import pytest

from cruxnet.catalog import load_model


@pytest.fixture(scope="module")
def spec():
    """The crux network's model spec (loaded once per test module)."""
    return load_model("crux_network").spec
