"""The design's anchors, checks a worldview's numbers must pass, on every worldview each applies
to, shown able to fail; and the research unlock the human-labour-first reading leads."""

from __future__ import annotations

import pytest
from support.models import WORLDVIEWS

from cruxnet import load_network
from cruxnet.sensitivity.anchors import ANCHORS, check_anchor, research_unlock


# Issue 14 (the crux network v0.2), R7.
@pytest.mark.parametrize("node", ["elicitation_success", "in_sweet_spot"])
def test_breakthrough_unlocks_ai_labour_most_in_the_human_labour_first_reading(node: str) -> None:
    gains = {w: research_unlock(load_network("crux_network", w), node) for w in WORLDVIEWS}
    others = max(v for w, v in gains.items() if w != "human_labor_first")
    assert gains["human_labor_first"] > others, gains


@pytest.mark.parametrize(("anchor", "worldview"),
                         [(a, w) for a in ANCHORS for w in a.worldviews],
                         ids=[f"{a.id}-{w}" for a in ANCHORS for w in a.worldviews])
def test_anchor_holds(anchor, worldview: str) -> None:  # type: ignore[no-untyped-def]
    result = check_anchor(anchor, load_network("crux_network", worldview))
    assert result.passed, f"{anchor.id} ({anchor.source}) fails for {worldview}: {result.detail}"


def test_anchor_checks_can_fail() -> None:
    """A1 must fail on a worldview where route A is weak (human_labor_first: a_sts .70)."""
    a1 = next(a for a in ANCHORS if a.id == "A1")
    assert not check_anchor(a1, load_network("crux_network", "human_labor_first")).passed
    a7 = next(a for a in ANCHORS if a.id == "A7")
    assert not check_anchor(a7, load_network("crux_network", "human_labor_first")).passed
