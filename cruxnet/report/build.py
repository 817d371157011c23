"""Computing a crux report: check every input first, then each worldview's section (in
worker processes when given a pool), the pairwise attributions and the provenance.

:mod:`cruxnet.report.content` holds what a report contains and how one section is computed;
this module runs them; :mod:`cruxnet.report.render` turns the result into Markdown and HTML.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cruxnet.inference.evidence import Evidence
from cruxnet.model.network import BayesNet
from cruxnet.report.content import (
    Report,
    SectionSettings,
    WorldviewSection,
    compute_section,
    node_texts,
    package_versions,
)

__all__ = ["build_report", "preflight", "section_in_worker"]


def section_in_worker(net: BayesNet, settings: SectionSettings) -> WorldviewSection:
    """:func:`~cruxnet.report.content.compute_section` in a worker process that shares the
    cores with another (one thread), with its figures rendered there too."""
    import dataclasses

    from cruxnet.report.render import section_figures

    sec = compute_section(net, dataclasses.replace(settings, threads=1), lambda label: None)
    return dataclasses.replace(sec, figures=section_figures(sec))


def preflight(nets: Sequence[BayesNet], settings: SectionSettings) -> None:
    """Everything that would make a report fail, checked before any computing: the target and
    evidence against the model, the evidence possible (and fixed marginals feasible) under
    each worldview at its point values, and every CPT the draws need drawable (uncertainty
    stated, or an --ess for bare tables). Raises the error the late step would raise."""
    from cruxnet.base.errors import ImpossibleEvidenceError
    from cruxnet.beliefs import Beliefs
    from cruxnet.inference.exact import posterior
    from cruxnet.inference.factors import prepare_query
    from cruxnet.sensitivity import Question

    for net in nets:
        Question(net, settings.target, settings.state, settings.evidence, draws=0)
        try:
            posterior(net, settings.target, settings.evidence)
        except ImpossibleEvidenceError as exc:
            raise ImpossibleEvidenceError(f"{exc}; no report can be made") from None
        source = Beliefs(net, settings.evidence, draws=1, seed=settings.seed,
                         ess=settings.ess).source
        keep = prepare_query(net, settings.target, settings.evidence).keep
        source.check([n for n in net.spec.node_ids if n in keep])


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
        An evidence ledger (:mod:`cruxnet.updating.ledger`) to replay under each worldview:
        the report adds the belief trajectory.
    progress
        Called with a short label before each step (for a progress bar).
    pool
        Worker processes (:func:`cruxnet.report.render.figure_workers`) to compute the
        worldviews in parallel, one thread each; the numbers are the same either way.
    """
    from cruxnet.base.version import cruxnet_version
    from cruxnet.catalog import load_model, network_for, worldview_names
    from cruxnet.sensitivity import Question, worldview_shapley
    from cruxnet.sensitivity.cruxes import check_threshold

    def step(label: str) -> None:
        if progress is not None:
            progress(label)

    tau = check_threshold(threshold)
    ev = Evidence.of(evidence)
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
        from cruxnet.updating.ledger import read_ledger

        entries = read_ledger(ledger, spec)
    settings = SectionSettings(
        target=target, state=state, evidence=ev, draws=draws, analysis_draws=analysis_draws,
        sobol_samples=sobol_samples, seed=seed, tau=tau, ess=ess, entries=entries,
        ledger=str(ledger) if ledger is not None else None,
        headline=tuple(n.id for n in spec.nodes if n.headline),
        has_levers=any(n.role == "lever" for n in spec.nodes))
    preflight(nets, settings)
    if pool is not None and len(nets) > 1:
        # Worldviews in parallel, one process each at a time, one thread per process.
        futures = [pool.submit(section_in_worker, net, settings) for net in nets]
        sections = []
        for net, fut in zip(nets, futures, strict=True):
            step(f"{net.worldview}: headline, cruxes, Sobol, levers")
            sections.append(fut.result())
    else:
        sections = [compute_section(net, settings, step) for net in nets]
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
    step("the network with its beliefs")
    from cruxnet.views.netview import network_view

    view = network_view(nets[0], ev, target=target)
    step("the interactive explorer")
    explorer_html, explorer_note = _explorer(nets, ev, target, min(draws, 1000), seed, ess)
    return Report(model=spec.name, model_title=spec.title, model_description=spec.description,
                  target=target, state=str(first.state), evidence=ev, threshold=tau,
                  sections=tuple(sections), attributions=tuple(attributions),
                  nodes=node_texts(nets[0]), spec=spec, provenance=provenance,
                  network_svg=view.svg, network_worldview=str(nets[0].worldview),
                  explorer_html=explorer_html, explorer_note=explorer_note)


def _explorer(nets: Sequence[BayesNet], ev: Evidence, target: str, draws: int, seed: int,
              ess: float | None) -> tuple[str, str]:
    """The explorer page the report embeds, or why there is none."""
    from cruxnet.explorer import explorer_page

    if ev.fixed:
        return "", ("The interactive explorer is left out: the report's evidence includes a "
                    "fixed marginal (Jeffrey's rule), which the page does not run.")
    page = explorer_page(nets, ev, draws=draws, seed=seed, target=target, ess=ess)
    return page.html, ""
