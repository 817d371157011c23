"""What a crux report says: every number computed once, with its provenance.

:func:`build_report` runs the analyses (headline with intervals, crux table, levers,
worldview attribution, crux finder) for each worldview and gathers the model's node texts and the
run's provenance into a :class:`Report`. Renderers (:mod:`cruxnet.report.render`) only format
it; they compute nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.inference.evidence import Evidence
from cruxnet.model.network import BayesNet
from cruxnet.model.spec import ModelSpec

if TYPE_CHECKING:
    import xarray as xr

    from cruxnet.inference.results import PosteriorSummary
    from cruxnet.inference.summary import AggregationTrio

__all__ = ["PACKAGES", "Report", "SectionSettings", "WorldviewSection", "compute_section",
           "node_texts", "package_versions"]

#: Packages whose versions a report records.
PACKAGES = ("cruxnet", "numpy", "scipy", "xarray", "opt_einsum", "SALib", "matplotlib",
            "pymc", "arviz", "pgmpy", "PyYAML")


@dataclass(frozen=True)
class WorldviewSection:
    """Everything the report says about one worldview."""

    worldview: str
    title: str
    reading: str
    point: float  # P(target = state | e) at the point values
    summary: PosteriorSummary
    samples: NDArray  # P(target = state | e) in each draw (for the distribution plot)
    trio: AggregationTrio | None
    tornado: xr.Dataset
    voi: xr.Dataset
    sobol: xr.Dataset
    levers: xr.Dataset | None
    belief_change: xr.Dataset | None  # None: left out, see ``left_out``
    observations: xr.Dataset
    sha256: str
    trajectory: xr.Dataset | None = None  # the ledger replayed (see cruxnet.updating.ledger)
    #: Figures already rendered as PNG, keyed by their render job (see
    #: :func:`cruxnet.report.render.section_figures`); the others are rendered on writing.
    figures: Mapping[str, bytes] = field(default_factory=dict, repr=False, compare=False)
    #: Analyses that cannot run under this question, and why (shown in their section).
    left_out: Mapping[str, str] = field(default_factory=dict)
    #: Whose numbers these are (the worldview's attribution, or its reading).
    attribution: str = ""
    #: Node id -> where the worldview's numbers for it come from.
    basis: Mapping[str, str] = field(default_factory=dict)
    #: The worldview this one extends (a personal file's base), or None.
    base: str | None = None
    #: What differs from the base: (what, base, this worldview), e.g. a parameter set, a
    #: stated marginal against the base's implied one, and P(target) itself.
    differences: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Report:
    """A crux report's content (see :func:`build_report`)."""

    model: str
    model_title: str
    model_description: str
    target: str
    state: str
    evidence: Evidence
    threshold: float
    sections: tuple[WorldviewSection, ...]
    attributions: tuple[xr.Dataset, ...]
    nodes: tuple[dict[str, Any], ...]  # id, label, role, headline, states, parents, text, cites
    spec: ModelSpec | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    #: The network drawn with the first worldview's beliefs under the evidence (an SVG,
    #: :mod:`cruxnet.views.netview`), and that worldview's name.
    network_svg: str = ""
    network_worldview: str = ""
    #: The interactive explorer of the report's worldviews (:mod:`cruxnet.explorer`), or ""
    #: with ``explorer_note`` saying why there is none.
    explorer_html: str = ""
    explorer_note: str = ""


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def node_texts(net: BayesNet) -> tuple[dict[str, Any], ...]:
    out = []
    for n in net.spec.nodes:
        cites = [net.spec.cite(s) for s in n.sources]
        out.append({"id": n.id, "label": n.label, "role": n.role, "headline": n.headline,
                    "states": list(n.states), "parents": list(n.parents),
                    "definition": n.definition, "cites": cites})
    return tuple(out)


@dataclass(frozen=True)
class SectionSettings:
    """What every worldview's section is computed with (picklable, for worker processes)."""

    target: str
    state: str | None
    evidence: Evidence
    draws: int
    analysis_draws: int
    sobol_samples: int
    seed: int
    tau: float
    ess: float | None
    entries: Any
    ledger: str | None
    headline: tuple[str, ...]
    has_levers: bool
    #: Threads that share the draws (None: one per core; a worker process sharing the cores
    #: with another passes 1).
    threads: int | None = None


def compute_section(net: BayesNet, c: SectionSettings, step: Callable[[str], None]
             ) -> WorldviewSection:
    """One worldview's headline, crux table, Sobol indices, levers, crux finder, trajectory."""
    from cruxnet.beliefs import Beliefs
    from cruxnet.inference.results import summarize
    from cruxnet.inference.summary import aggregation_trio
    from cruxnet.sensitivity import (
        Question,
        decisive_observations,
        lever_effects,
        node_swings,
        smallest_belief_change,
        sobol_indices,
        value_of_information,
    )

    step(f"{net.worldview}: headline")
    # One person's beliefs under this worldview; the headline uses more draws than the analyses.
    beliefs = Beliefs(net, c.evidence, draws=c.analysis_draws, seed=c.seed, ess=c.ess,
                      threads=c.threads)
    q = Question.of(beliefs, c.target, c.state)
    headline = beliefs.with_draws(draws=c.draws)
    post = headline.posterior_draws(c.target)
    summary = summarize(post, ci_prob=0.9)
    trio = aggregation_trio(net, c.target, str(q.state), headline.source)
    step(f"{net.worldview}: cruxes")
    tornado = node_swings(q)
    voi = value_of_information(q)
    step(f"{net.worldview}: Sobol")
    sobol = sobol_indices(q, samples=c.sobol_samples)
    step(f"{net.worldview}: levers and crux finder")
    levers = lever_effects(q) if c.has_levers else None
    trajectory = None
    if c.entries is not None:
        from cruxnet.updating.replay import replay_ledger

        step(f"{net.worldview}: ledger")
        trajectory = replay_ledger(beliefs, c.entries, target=c.target, state=str(q.state),
                                   cruxes=c.headline, file=str(c.ledger))
    wv = net.prior
    left_out = {}
    belief_change = None
    if c.evidence.fixed:
        left_out["belief_change"] = (
            "The smallest belief change is left out: it needs P(target) to be a ratio of "
            "linear functions of a node's CPT, which a fixed marginal (Jeffrey's rule) breaks. "
            "Give the fixed-marginal node as likelihood evidence to get it.")
    else:
        belief_change = smallest_belief_change(q, c.tau)
    return WorldviewSection(
        worldview=str(net.worldview), title=wv.title if wv else "",
        reading=wv.reading if wv else "", point=q.point(), summary=summary,
        samples=np.asarray(post[str(q.state)]), trio=trio, tornado=tornado, voi=voi,
        sobol=sobol, levers=levers, belief_change=belief_change,
        observations=decisive_observations(q, c.tau), sha256=wv.sha256 if wv else "",
        trajectory=trajectory, left_out=left_out,
        attribution=(wv.attribution or wv.reading) if wv else "",
        basis=dict(wv.basis) if wv else {}, base=wv.base if wv else None,
        differences=_differences(net, c, q.point()))


def _differences(net: BayesNet, c: SectionSettings, point: float
                 ) -> tuple[tuple[str, str, str], ...]:
    """What a personal worldview (one that extends another, or one given stated marginals)
    changes against its base, in words, with P(target) under both."""
    from cruxnet.base.errors import CruxnetError
    from cruxnet.catalog import network_from_worldview
    from cruxnet.files.worldview import load_worldview
    from cruxnet.inference.exact import posterior

    wv = net.prior
    if wv is None or (wv.base_file is None and not net.marginals):
        return ()
    if wv.base_file is not None:
        base_net = network_from_worldview(net.spec, load_worldview(wv.base_file, net.spec))
        base_name = str(wv.base)
    else:
        base_net = BayesNet(net.spec, wv.point_cpts(net.spec), wv.name)
        base_name = f"{wv.name} without the stated marginals"
    rows = [(o.label, o.before, o.after) for o in wv.overrides if o.kind != "marginal"]
    for node, m in net.marginals.items():
        states = net.spec.node(node).states
        before = posterior(base_net, node).probs
        rows.append((f"P({node}), stated", ", ".join(f"{s} {100 * p:.3g}%" for s, p in
                                                    zip(states, before, strict=True)),
                     m.describe(states)))
    try:
        p_base = posterior(base_net, c.target, c.evidence)[str(c.state or net.spec.node(
            c.target).state_of_interest)]
        rows.append((f"P({c.target}) at the point values", f"{p_base:.3f}", f"{point:.3f}"))
    except CruxnetError:
        pass
    return (*rows, ("base", base_name, str(net.worldview)))
