"""cruxnet: the cruxes of AI-safety strategy as a discrete Bayesian network.

Load a model and worldview, then ask exact questions with any kind of evidence::

    >>> from cruxnet import load_network, posterior, Evidence
    >>> net = load_network("carlsmith_2021")
    >>> round(posterior(net, "catastrophe")["yes"], 6)
    0.051376

your own view of a node (a stated marginal: its own table moves, its causes do not)::

    >>> mine = with_stated_marginals(net, {"incentives": {"yes": 0.5}})
    >>> round(posterior(mine, "incentives")["yes"], 12)
    0.5

and the same question across draws of the worldview's uncertain parameters::

    >>> post = posterior_draws(net, "catastrophe", draws=10_000, seed=1)
    >>> lo, hi = post.summary(0.9).interval["yes"]
    >>> bool(lo < 0.051376 < hi)
    True

Heavy dependencies (xarray, pgmpy, PyMC, ArviZ) are imported only where they are used.
"""

from cruxnet.base.errors import (
    CruxnetError,
    DrawsError,
    EvidenceError,
    ImpossibleEvidenceError,
    SpecError,
)
from cruxnet.base.version import cruxnet_version
from cruxnet.beliefs import Beliefs
from cruxnet.catalog import load_model, load_network
from cruxnet.explorer import explore
from cruxnet.inference.batched import draw_parameters, posterior_draws
from cruxnet.inference.evidence import Evidence
from cruxnet.inference.exact import joint_posterior, posterior, posteriors
from cruxnet.inference.marginals import with_stated_marginals
from cruxnet.inference.results import Posterior, PosteriorDraws
from cruxnet.model.network import do, with_cpt
from cruxnet.views.netview import show

__version__ = cruxnet_version()

__all__ = [
    "Beliefs",
    "CruxnetError",
    "DrawsError",
    "Evidence",
    "EvidenceError",
    "ImpossibleEvidenceError",
    "Posterior",
    "PosteriorDraws",
    "SpecError",
    "__version__",
    "do",
    "draw_parameters",
    "explore",
    "joint_posterior",
    "load_model",
    "load_network",
    "posterior",
    "posterior_draws",
    "posteriors",
    "show",
    "with_cpt",
    "with_stated_marginals",
]
