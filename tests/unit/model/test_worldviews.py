"""The bundled worldviews (cruxnet/data/<model>/worldviews/): each a modelers' reading with a basis
for
every number, ordered as their readings say, and every lever lowering risk in nearly every
draw."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import WORLDVIEWS

from cruxnet import Evidence, load_network, posterior
from cruxnet.catalog import load_model
from cruxnet.draws.dataset import DatasetDraws
from cruxnet.draws.worldview import draw_worldview
from cruxnet.inference.batched import posterior_draws
from cruxnet.sensitivity.anchors import UNORDERED_LEVERS


@pytest.mark.parametrize("worldview", WORLDVIEWS)
def test_every_worldview_is_marked_as_a_reading(worldview: str) -> None:
    from cruxnet.catalog import resolve_worldview
    from cruxnet.files.worldview import load_worldview

    entry = load_model("crux_network")
    wv = load_worldview(resolve_worldview(entry, worldview), entry.spec)
    assert "reading" in wv.reading.lower()
    assert wv.title and wv.summary


def test_worldviews_are_ordered_as_their_readings_say() -> None:
    """Human-labour-first is the most pessimistic; the three others are close (draft §4)."""
    p = {w: posterior(load_network("crux_network", w), "catastrophe")["yes"] for w in WORLDVIEWS}
    assert p["human_labor_first"] > 0.7
    others = [p[w] for w in WORLDVIEWS if w != "human_labor_first"]
    assert max(others) - min(others) < 0.15
    assert np.isclose(p["gs_deference"], 0.3249014019, atol=1e-9)


# Issue 14 (the crux network v0.2), R9, R10.
@pytest.mark.parametrize("worldview", WORLDVIEWS)
def test_every_number_has_a_basis_and_the_reading_says_whose(worldview: str) -> None:
    net = load_network("crux_network", worldview)
    wv = net.prior
    assert wv is not None
    missing = [n for n in net.spec.node_ids if n not in wv.basis]
    assert not missing, f"{worldview}: no basis for {missing}"
    assert wv.attribution.lower().startswith("modelers' reading")


# Issue 14 (the crux network v0.2), R5.
LEVER_DRAWS = 2000


@pytest.mark.slow
@pytest.mark.parametrize("worldview", WORLDVIEWS)
def test_every_lever_lowers_risk_in_nearly_every_draw(worldview: str) -> None:
    """do(top) minus do(bottom) of each lever, per parameter draw (the same draws for both):
    negative in at least 97% of draws; for deference timing, at_minimum against late."""
    net = load_network("crux_network", worldview)
    spec = net.spec
    ds = draw_worldview(spec, net.prior, LEVER_DRAWS, seed=11)  # type: ignore[arg-type]
    src = DatasetDraws(spec, ds)
    for lever in (n for n in spec.nodes if n.role == "lever"):
        bottom, top = lever.lever_range
        assert (bottom, top) == (("late", "at_minimum") if lever.id in UNORDERED_LEVERS
                                 else (lever.states[0], lever.states[-1]))
        p = {s: posterior_draws(net, "catastrophe", Evidence(do={lever.id: s}),
                                parameters=src).probs[:, 1] for s in (bottom, top)}
        share = float(np.mean(p[top] - p[bottom] < 0))
        assert share >= 0.97, f"{worldview}: do({lever.id}={top}) lowers risk in {share:.3f}"
