"""Small models the tests share: the crux network's bundled worldviews, a tiny model and a tricky
one (YAML text, written to files), a chain that fixed marginals fit slowly, the Carlsmith
chain's premises, the bundled worldviews with bare odds ratios, and the bundled panel's
elicitation file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
from support.bruteforce import SmallNet

from cruxnet.base.bundled import worldview_dir

#: The crux network's bundled worldviews.
WORLDVIEWS = ("gs_deference", "karnofsky_playbook", "carlsmith_ai4ais", "human_labor_first")

#: The bundled panel's elicitation records (three experts, crux_network).
PANEL = worldview_dir("crux_network") / "panel_2026.elicit.yaml"

# ------------------------------------------------------------------------------ tiny model
#: Three nodes (a -> b, a and b -> c) with a table, a conditional table and a logit-additive
#: form: every kind of bad input is a small edit of this text.
TINY_MODEL = """\
model: tiny
default_worldview: base
nodes:
  - {id: a, states: [no, yes]}
  - {id: b, states: [low, mid, high], parents: [a]}
  - {id: c, states: [no, yes], parents: [a, b]}
"""

TINY_WORLDVIEW = """\
worldview: base
model: tiny
cpts:
  a: {form: table, p: 0.3}
  b:
    form: table
    rows: {no: [0.5, 0.3, 0.2], yes: [0.1, 0.3, 0.6]}
  c:
    form: logit_additive
    base: {by: a, values: {no: 0.2, yes: 0.6}}
    odds_ratios: {b: {mid: 2, high: 4}}
"""


def write_tiny(tmp_path: Path, model: str = TINY_MODEL, worldview: str = TINY_WORLDVIEW) -> Path:
    """Write the tiny model (tiny.yaml) and its worldview (base.yaml); the model's path."""
    (tmp_path / "tiny.yaml").write_text(textwrap.dedent(model))
    (tmp_path / "base.yaml").write_text(textwrap.dedent(worldview))
    return tmp_path / "tiny.yaml"


# ---------------------------------------------------------------------------- tricky model
#: A model whose texts a page or report must escape: markup in the title, a script as a
#: label and in a definition, an image with a handler in the worldview's title.
TRICKY_MODEL = """\
model: tricky
title: A <b>bold</b> model
default_worldview: base
nodes:
  - id: a
    label: "<script>alert('x')</script>"
    states: [no, yes]
    definition: "yes = <script>alert('x')</script> & more"
  - {id: b, states: [no, yes], parents: [a], role: outcome}
"""

TRICKY_WORLDVIEW = """\
worldview: base
model: tricky
title: Base <img src=x onerror=alert(1)>
default_ess: 10
cpts:
  a: {form: table, p: 0.3}
  b: {form: table, rows: {no: [0.9, 0.1], yes: [0.4, 0.6]}}
"""


def write_tricky(tmp_path: Path) -> Path:
    """Write the tricky model (tricky.yaml) and its worldview (base.yaml); the model's path."""
    (tmp_path / "tricky.yaml").write_text(TRICKY_MODEL)
    (tmp_path / "base.yaml").write_text(TRICKY_WORLDVIEW)
    return tmp_path / "tricky.yaml"


# ------------------------------------------------------------------- other small networks
def chain(eps: float, z_rows: tuple[float, float] = (0.2, 0.7)) -> SmallNet:
    """X -> Y -> Z with P(Y = s0 | X = s0) = eps: fixing X and Y converges slowly by
    iterative fitting (the cross-product ratio of their joint is tiny)."""
    return SmallNet(["X", "Y", "Z"], [2, 2, 2], [[], [0], [1]],
                    [np.array([0.5, 0.5]), np.array([[eps, 1 - eps], [0.6, 0.4]]),
                     np.array([[1 - z_rows[0], z_rows[0]], [1 - z_rows[1], z_rows[1]]])])


#: The Carlsmith chain's nodes, each a premise given the one before.
CHAIN = ["aps_systems", "incentives", "alignment_hard", "high_impact_failures",
         "disempowerment", "catastrophe"]


def premise(net, node):
    """P(node = yes | parent = yes): the chain's premise probability."""
    cpt = np.asarray(net.cpts[node])
    return float(cpt[-1] if cpt.ndim == 1 else cpt[-1, -1])


def bare_ratio_worldviews(tmp_path: Path) -> Path:
    """The crux network's bundled worldviews copied to ``tmp_path`` with ``default_sd_log``
    taken out of the shared base, so its bare odds ratios state no uncertainty; the path of
    gs_deference's copy."""
    for f in (worldview_dir("crux_network")).glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    shared = tmp_path / "_shared.yaml"
    shared.write_text("\n".join(line for line in shared.read_text().splitlines()
                                if not line.startswith("default_sd_log")) + "\n")
    return tmp_path / "gs_deference.yaml"
