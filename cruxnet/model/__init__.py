"""What a model is, as types and arithmetic: its structure (:mod:`~cruxnet.model.spec`), the
CPT forms and their parameters, worldviews and stated marginals, the network they make
(:class:`~cruxnet.model.network.BayesNet`) and the elicitation arithmetic that turns a person's
numbers into distributions. Reading files into these types is :mod:`cruxnet.files`'s job."""

from cruxnet.model.elicit import (
    ElicitationError,
    ElicitationWarning,
    beta_from_interval,
    beta_from_quantiles,
    dirichlet_from_mean,
    linear_pool,
    log_pool,
)
from cruxnet.model.network import BayesNet
from cruxnet.model.stated import StatedMarginal
from cruxnet.model.worldview import Worldview

__all__ = ["BayesNet", "ElicitationError", "ElicitationWarning", "StatedMarginal", "Worldview",
           "beta_from_interval", "beta_from_quantiles", "dirichlet_from_mean", "linear_pool",
           "log_pool"]
