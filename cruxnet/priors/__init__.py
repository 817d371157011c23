"""Worldviews (beliefs about every CPT, with their uncertainty), stated marginals, elicited
distributions and parameter draws."""

from cruxnet.priors.draws import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    DatasetDraws,
    draw_worldview,
    to_inference_data,
)
from cruxnet.priors.elicit import (
    ElicitationError,
    ElicitationWarning,
    beta_from_interval,
    beta_from_quantiles,
    dirichlet_from_mean,
    linear_pool,
    log_pool,
)
from cruxnet.priors.network import BayesNet
from cruxnet.priors.stated import StatedMarginal
from cruxnet.priors.worldview import Worldview, load_worldview

__all__ = ["DEFAULT_DRAWS", "DEFAULT_SEED", "BayesNet", "DatasetDraws", "ElicitationError",
           "ElicitationWarning", "StatedMarginal", "Worldview", "beta_from_interval",
           "beta_from_quantiles", "dirichlet_from_mean", "draw_worldview", "linear_pool",
           "load_worldview", "log_pool", "to_inference_data"]
