"""cruxnet: the cruxes of AI-safety strategy as a discrete Bayesian network.

Load a model and worldview, then ask exact questions with any kind of evidence::

    >>> from cruxnet import load_network, posterior, Evidence
    >>> net = load_network("carlsmith_2021")
    >>> round(posterior(net, "catastrophe")["yes"], 6)
    0.051376

Heavy dependencies (xarray, pgmpy, PyMC, ArviZ) are imported only where they are used.
"""

from cruxnet.catalog import load_network
from cruxnet.errors import CruxnetError, EvidenceError, ImpossibleEvidenceError, SpecError
from cruxnet.inference.evidence import Evidence
from cruxnet.inference.exact import Posterior, posterior, posteriors

__all__ = [
    "CruxnetError",
    "Evidence",
    "EvidenceError",
    "ImpossibleEvidenceError",
    "Posterior",
    "SpecError",
    "load_network",
    "posterior",
    "posteriors",
]
