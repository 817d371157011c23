"""Updating beliefs: everything that turns what people say and what data show into a worldview.

The one place PyMC and ArviZ are used. Its distribution maths (elicited quantiles and
intervals to Beta, Dirichlet and log-normal distributions, the moment-matched Dirichlet, the
weights check and the pools) is :mod:`cruxnet.model.elicit`, one implementation each, pure
NumPy/SciPy, below this package because worldview files use the same fits. From the bottom up:

* :mod:`~cruxnet.updating.diagnostics`: ``FitError`` and ``check_fit`` (ArviZ r_hat, bulk ESS,
  divergences) for every PyMC fit;
* :mod:`~cruxnet.updating.hierarchical`: the hierarchical pool of experts (PyMC);
* :mod:`~cruxnet.updating.records`: elicitation records (who, when, source) compiled to a
  pooled worldview;
* :mod:`~cruxnet.updating.fitting`: counts on a node with latent parents, fitted with PyMC;
* :mod:`~cruxnet.updating.ledger`: the append-only evidence ledger and its replay.

Nothing here is imported by ``import cruxnet``; PyMC is imported only when a fit runs.
"""

from cruxnet.updating.diagnostics import FitError, check_fit
from cruxnet.updating.fitting import CountFit, fit_latent_counts
from cruxnet.updating.hierarchical import hierarchical_pool
from cruxnet.updating.ledger import LedgerError, read_ledger
from cruxnet.updating.pooling import (
           CompiledElicitation,
           compile_elicitation,
           pooled_parameter_draws,
)
from cruxnet.updating.records import load_elicitation
from cruxnet.updating.replay import apply_entries, replay_ledger

__all__ = ["CompiledElicitation", "CountFit", "FitError", "LedgerError", "apply_entries",
           "check_fit", "compile_elicitation", "fit_latent_counts", "hierarchical_pool",
           "load_elicitation", "pooled_parameter_draws", "read_ledger", "replay_ledger"]
