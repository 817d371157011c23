"""What a crux report says: every number computed once, with its provenance.

:func:`build_report` runs the analyses (headline with intervals, crux table, levers,
worldview attribution, crux finder) for each worldview and gathers the model's node texts and the
run's provenance into a :class:`Report`. Renderers (:mod:`cruxnet.report.render`) only format
it; they compute nothing.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.inference.evidence import Evidence
from cruxnet.models.network import BayesNet
from cruxnet.models.spec import ModelSpec
from cruxnet.priors.forms import NDArray

if TYPE_CHECKING:
    import xarray as xr

    from cruxnet.inference.summary import AggregationTrio, PosteriorSummary

__all__ = ["PACKAGES", "Report", "WorldviewSection", "build_report"]

#: Packages whose versions a report records.
PACKAGES = ("cruxnet", "numpy", "scipy", "xarray", "opt_einsum", "SALib", "matplotlib",
            "networkx", "arviz", "pgmpy", "PyYAML")


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
    trajectory: xr.Dataset | None = None  # the ledger replayed (see cruxnet.ledger)
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


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _node_texts(net: BayesNet) -> tuple[dict[str, Any], ...]:
    out = []
    for n in net.spec.nodes:
        cites = [net.spec.cite(s) for s in n.sources]
        out.append({"id": n.id, "label": n.label, "role": n.role, "headline": n.headline,
                    "states": list(n.states), "parents": list(n.parents),
                    "definition": n.definition, "cites": cites})
    return tuple(out)


@dataclass(frozen=True)
class _SectionSettings:
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


def _section_in_worker(net: BayesNet, settings: _SectionSettings) -> WorldviewSection:
    """:func:`_section` in a worker process that shares the cores with another (one thread),
    with its figures rendered there too."""
    import dataclasses

    from cruxnet.inference import batched
    from cruxnet.report.render import section_figures

    batched.MAX_WORKERS = 1
    sec = _section(net, settings, lambda label: None)
    return dataclasses.replace(sec, figures=section_figures(sec))


def _section(net: BayesNet, c: _SectionSettings, step: Callable[[str], None]
             ) -> WorldviewSection:
    """One worldview's headline, crux table, Sobol indices, levers, crux finder, trajectory."""
    from cruxnet.inference.batched import posterior_draws, source_for
    from cruxnet.inference.summary import aggregation_trio, summarize
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
    q = Question(net, c.target, c.state, c.evidence, draws=c.analysis_draws, seed=c.seed,
                 ess=c.ess)
    post = posterior_draws(net, c.target, c.evidence, draws=c.draws, seed=c.seed, ess=c.ess)
    summary = summarize(post, ci_prob=0.9)
    trio = aggregation_trio(net, c.target, str(q.state), source_for(net, c.draws, c.seed, c.ess))
    step(f"{net.worldview}: cruxes")
    tornado = node_swings(q)
    voi = value_of_information(q)
    step(f"{net.worldview}: Sobol")
    sobol = sobol_indices(q, samples=c.sobol_samples)
    step(f"{net.worldview}: levers and crux finder")
    levers = lever_effects(q) if c.has_levers else None
    trajectory = None
    if c.entries is not None:
        from cruxnet.ledger import replay_ledger

        step(f"{net.worldview}: ledger")
        trajectory = replay_ledger(net, c.entries, target=c.target, state=str(q.state),
                                   cruxes=c.headline, draws=c.analysis_draws, seed=c.seed,
                                   file=str(c.ledger))
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


def _differences(net: BayesNet, c: _SectionSettings, point: float
                 ) -> tuple[tuple[str, str, str], ...]:
    """What a personal worldview (one that extends another, or one given stated marginals)
    changes against its base, in words, with P(target) under both."""
    from cruxnet.catalog import network_from_worldview
    from cruxnet.errors import CruxnetError
    from cruxnet.inference.exact import posterior
    from cruxnet.priors.worldview import load_worldview

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
    return tuple((what, before_, after) for what, before_, after in rows) + (
        ("base", base_name, str(net.worldview)),)


def preflight(nets: Sequence[BayesNet], settings: _SectionSettings) -> None:
    """Everything that would make a report fail, checked before any computing: the target and
    evidence against the model, the evidence possible (and fixed marginals feasible) under
    each worldview at its point values, and every CPT the draws need drawable (uncertainty
    stated, or an --ess for bare tables). Raises the error the late step would raise."""
    from cruxnet.errors import ImpossibleEvidenceError
    from cruxnet.inference.batched import source_for
    from cruxnet.inference.exact import posterior
    from cruxnet.inference.factors import prepare_query
    from cruxnet.sensitivity import Question

    for net in nets:
        Question(net, settings.target, settings.state, settings.evidence, draws=0)
        try:
            posterior(net, settings.target, settings.evidence)
        except ImpossibleEvidenceError as exc:
            raise ImpossibleEvidenceError(f"{exc}; no report can be made") from None
        source = source_for(net, 1, settings.seed, settings.ess)
        check = getattr(source, "check", None)
        if check is not None:
            keep = prepare_query(net, settings.target, settings.evidence).keep
            check([n for n in net.spec.node_ids if n in keep])


def build_report(model: str = "crux_network", worldviews: Sequence[str] | None = None, *,
                 target: str | None = None, state: str | None = None,
                 evidence: Evidence | None = None,
                 marginals: Mapping[str, Any] | None = None, draws: int = 100_000,
                 analysis_draws: int = 2000, sobol_samples: int = 512, seed: int = 1,
                 threshold: float = 0.1, shapley_permutations: int = 100,
                 shapley_exact_max: int = 10,
                 ledger: str | Path | None = None, ess: float | None = None,
                 normalize: bool = False,
                 progress: Callable[[str], None] | None = None,
                 today: _dt.date | None = None, pool: Any = None) -> Report:
    """Run every analysis a crux report shows.

    Parameters
    ----------
    model, worldviews
        A bundled model name or path, and the worldviews to compare (default: all).
    target, state
        The outcome (default: ``catastrophe`` if the model has it, else its last outcome
        node) and its state (default: the last, e.g. ``yes``).
    evidence
        Evidence every number is conditioned on.
    marginals
        Stated marginals applied to every worldview (the reader's own view,
        :func:`cruxnet.inference.marginals.with_stated_marginals`).
    draws
        Parameter draws for the headline distributions and intervals.
    analysis_draws, sobol_samples
        Draws for the intervals of the crux table and levers, and Sobol's base sample size.
    seed
        One seed for everything: the same seed gives the same report (dates aside).
    threshold
        The decision threshold on P(target) for the crux finder.
    shapley_permutations, shapley_exact_max
        Worldview pairs with up to ``shapley_exact_max`` differing nodes get exact Shapley
        values (2^k coalitions); others ``shapley_permutations`` sampled orders (plus
        reverses). Either way the contributions sum to the difference exactly.
    ess, normalize
        For networks read from BIF/XMLBIF files: the effective sample size of their rows (they
        state no uncertainty) and whether to rescale rounded rows.
    ledger
        An evidence ledger (:mod:`cruxnet.ledger`) to replay under each worldview: the report
        adds the belief trajectory.
    progress
        Called with a short label before each step (for a progress bar).
    pool
        Worker processes (:func:`cruxnet.report.render.figure_workers`) to compute the
        worldviews in parallel, one thread each; the numbers are the same either way.
    """
    from cruxnet.catalog import cruxnet_version, load_model, network_for, worldview_names
    from cruxnet.sensitivity import Question, worldview_shapley
    from cruxnet.sensitivity.cruxes import check_threshold

    def step(label: str) -> None:
        if progress is not None:
            progress(label)

    tau = check_threshold(threshold)
    ev = evidence or Evidence()
    entry = load_model(model, normalize=normalize)
    names = list(worldviews) if worldviews else worldview_names(entry)
    spec = entry.spec
    target = target or spec.default_target()
    nets = [network_for(entry, w) for w in names]
    if marginals:
        from cruxnet.inference.marginals import with_stated_marginals

        nets = [with_stated_marginals(n, marginals, ess=ess) for n in nets]
    entries = None
    if ledger is not None:
        from cruxnet.ledger import read_ledger, replay_ledger

        entries = read_ledger(ledger, spec)
    settings = _SectionSettings(
        target=target, state=state, evidence=ev, draws=draws, analysis_draws=analysis_draws,
        sobol_samples=sobol_samples, seed=seed, tau=tau, ess=ess, entries=entries,
        ledger=str(ledger) if ledger is not None else None,
        headline=tuple(n.id for n in spec.nodes if n.headline),
        has_levers=any(n.role == "lever" for n in spec.nodes))
    preflight(nets, settings)
    if pool is not None and len(nets) > 1:
        # Worldviews in parallel, one process each at a time, one thread per process.
        futures = [pool.submit(_section_in_worker, net, settings) for net in nets]
        sections = []
        for net, fut in zip(nets, futures, strict=True):
            step(f"{net.worldview}: headline, cruxes, Sobol, levers")
            sections.append(fut.result())
    else:
        sections = [_section(net, settings, step) for net in nets]
    attributions = []
    for a, b in itertools.combinations(nets, 2):
        step(f"why {b.worldview} differs from {a.worldview}")
        attributions.append(worldview_shapley(a, b, target, state, ev,
                                              exact_max=shapley_exact_max,
                                              permutations=shapley_permutations, seed=seed))
    first = Question(nets[0], target, state, ev, draws=0)
    provenance = {
        "cruxnet_version": cruxnet_version(), "model": spec.name,
        "spec_sha256": spec.sha256,
        "worldviews": {s.worldview: s.sha256 for s in sections},
        "seed": seed, "draws": draws, "analysis_draws": analysis_draws,
        "sobol_samples": sobol_samples, "shapley_permutations": shapley_permutations,
        "threshold": tau, "evidence": ev.describe(),
        "stated_marginals": nets[0].provenance.get("stated_marginals", "none"),
        "ledger": str(ledger) if ledger is not None else "none",
        "packages": package_versions(),
        "date": (today or _dt.datetime.now(_dt.UTC).date()).isoformat(),
    }
    return Report(model=spec.name, model_title=spec.title, model_description=spec.description,
                  target=target, state=str(first.state), evidence=ev, threshold=tau,
                  sections=tuple(sections), attributions=tuple(attributions),
                  nodes=_node_texts(nets[0]), spec=spec, provenance=provenance)
