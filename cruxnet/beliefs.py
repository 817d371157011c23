"""One person's beliefs, in one object: what every analysis takes.

A :class:`Beliefs` holds the network (the model, the worldview with its overrides, the stated
marginals its tables are tilted to, the declared orderings its draws keep), the evidence, and
the parameter draws (how many, their seed, the fallback uncertainty for tables that state none,
the threads that share them). Point queries, draws, the ledger, every sensitivity analysis,
Sobol, the report and the explorer get their numbers from it, so none can drop a part of it:
the parameter draws are made once, by :attr:`Beliefs.source`, and shared.

    >>> from cruxnet.catalog import load_network
    >>> mine = Beliefs(load_network("crux_network", "gs_deference"), draws=400, seed=1)
    >>> mine = mine.with_marginals({"scheming": {"yes": {"mean": 0.08, "ess": 20}}})
    >>> round(mine.posterior("scheming")["yes"], 12)
    0.08
    >>> seen = mine.with_evidence({"deception_demonstrated": "yes"})
    >>> seen.posterior_draws("catastrophe").n_draws, seen.provenance["stated_marginals"][:8]
    (400, 'scheming')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cruxnet.base.errors import DrawsError
from cruxnet.base.types import NDArray
from cruxnet.base.validate import check_draws, check_seed
from cruxnet.draws.streams import DEFAULT_DRAWS, DEFAULT_SEED
from cruxnet.inference.batched import posterior_draws, source_for
from cruxnet.inference.evidence import Evidence, EvidenceLike
from cruxnet.inference.exact import posterior
from cruxnet.inference.marginals import MarginalValue, with_stated_marginals
from cruxnet.inference.results import Posterior, PosteriorDraws
from cruxnet.model.network import BayesNet

if TYPE_CHECKING:
    from cruxnet.draws.source import ParameterSource

__all__ = ["Beliefs"]


@dataclass(frozen=True)
class Beliefs:
    """A person's beliefs: network, evidence and parameter draws together (immutable).

    Parameters
    ----------
    net
        The network: model, worldview (with its overrides), stated marginals.
    evidence
        What is known (hard, likelihood, fixed marginals, do()); anything
        :meth:`Evidence.of <cruxnet.inference.evidence.Evidence.of>` takes.
    draws
        Parameter draws for intervals (0: point values only).
    seed
        Their seed.
    ess
        The uncertainty of CPT rows and stated marginals that state none (BIF networks).
    threads
        Threads that share the draws (default: one per core); a worker process that shares
        the cores with others passes 1.
    """

    net: BayesNet
    evidence: Evidence = field(default_factory=Evidence)
    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    ess: float | None = None
    threads: int | None = None

    def __post_init__(self) -> None:
        ev = Evidence.of(self.evidence).resolved(self.net.spec)
        ev.validate(self.net.spec)
        object.__setattr__(self, "evidence", ev)
        if self.draws != 0:
            check_draws(self.draws)
        check_seed(self.seed)
        if self.threads is not None and (isinstance(self.threads, bool)
                                         or not isinstance(self.threads, int)
                                         or self.threads < 1):
            raise DrawsError(f"threads must be a positive integer, got {self.threads!r}")

    # ------------------------------------------------------------------ changed copies
    def with_evidence(self, evidence: EvidenceLike) -> Beliefs:
        """The same beliefs with ``evidence`` in place of the current evidence."""
        return replace(self, evidence=Evidence.of(evidence))

    def observe(self, evidence: EvidenceLike) -> Beliefs:
        """The same beliefs with ``evidence`` added to the current evidence (a node given
        again takes the new value)."""
        return replace(self, evidence=self.evidence.combined(Evidence.of(evidence)))

    def with_marginals(self, marginals: Mapping[str, MarginalValue]) -> Beliefs:
        """Stated marginals added (:func:`~cruxnet.inference.marginals.with_stated_marginals`;
        ``ess`` is the fallback uncertainty for those that state none)."""
        return replace(self, net=with_stated_marginals(self.net, marginals, ess=self.ess))

    def with_cpt(self, node: str, cpt: NDArray) -> Beliefs:
        """``node``'s table replaced (:meth:`BayesNet.with_cpt`; the stated marginals below it
        keep holding)."""
        return replace(self, net=self.net.with_cpt(node, cpt))

    def with_draws(self, draws: int | None = None, seed: int | None = None,
                   threads: int | None = None) -> Beliefs:
        """Other parameter draws: their number, seed or threads."""
        return replace(self, draws=self.draws if draws is None else draws,
                       seed=self.seed if seed is None else seed,
                       threads=self.threads if threads is None else threads)

    # ------------------------------------------------------------------ numbers
    @cached_property
    def source(self) -> ParameterSource:
        """The parameter draws, streamed block by block: the worldview's forms with the
        declared orderings, each stated marginal met draw by draw. Made once per object."""
        if not self.draws:
            raise DrawsError("these beliefs have no parameter draws (draws=0)")
        return source_for(self.net, self.draws, self.seed, self.ess)

    @cached_property
    def parameters(self) -> ParameterSource:
        """:attr:`source` with every draw made and kept (for many queries on the same draws)."""
        from cruxnet.draws.dataset import DatasetDraws, source_dataset

        return DatasetDraws(self.net.spec, source_dataset(self.net.spec, self.source))

    def _evidence(self, extra: EvidenceLike) -> Evidence:
        return self.evidence if extra is None else self.evidence.combined(Evidence.of(extra))

    def posterior(self, target: str, extra: EvidenceLike = None) -> Posterior:
        """P(target | the evidence, and ``extra`` on top) at the point values."""
        return posterior(self.net, target, self._evidence(extra))

    def posterior_draws(self, target: str, extra: EvidenceLike = None, *,
                        draws: int | None = None, shared: bool = False,
                        progress: bool = False) -> PosteriorDraws:
        """P(target | the evidence, and ``extra``) in every parameter draw. ``draws``: another
        number of draws than these beliefs hold (the same seed, as :meth:`with_draws`);
        ``shared``: use :attr:`parameters` (every draw kept, for many queries) instead of
        streaming."""
        if draws is not None and draws != self.draws:
            return self.with_draws(draws).posterior_draws(target, extra, shared=shared,
                                                          progress=progress)
        source = self.parameters if shared else self.source
        return posterior_draws(self.net, target, self._evidence(extra), parameters=source,
                               threads=self.threads, progress=progress)

    @property
    def provenance(self) -> dict[str, Any]:
        """What results carry: the network's provenance, the evidence, the draws' seed."""
        prov: dict[str, Any] = {k: v for k, v in self.net.provenance.items()
                                if isinstance(v, (str, int, float))}
        prov.update({"evidence": self.evidence.describe(), "draws": self.draws,
                     "seed": self.seed})
        if self.ess is not None:
            prov["fallback_ess"] = self.ess
        if "parameters" in self.__dict__:
            prov.update(self.parameters.provenance)
        elif "source" in self.__dict__:
            prov.update(self.source.provenance)
        return prov

    def __repr__(self) -> str:
        ev = "" if self.evidence.is_empty() else f", evidence: {self.evidence.describe()}"
        stated = f", stated marginals: {', '.join(self.net.marginals)}" if self.net.marginals \
            else ""
        return (f"Beliefs(model={self.net.spec.name!r}, worldview={self.net.worldview!r}"
                f"{stated}{ev}, draws={self.draws}, seed={self.seed})")
