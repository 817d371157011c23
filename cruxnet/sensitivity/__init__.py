"""Sensitivity analysis and crux finding: what matters, which lever, why worldviews disagree.

Every function takes a :class:`Question` (P(target = state | evidence) on a network, with the
number of parameter draws for intervals) and returns an xarray object with provenance attrs:

* :func:`node_swings` (tornado) and :func:`sensitivity_functions` (exact, per CPT entry);
* :func:`value_of_information` (mutual information, expected variance reduction);
* :func:`sobol_indices` (global: first-order and total indices, SALib on the batched engine);
* :func:`lever_effects` (do vs observe, with rank stability across draws);
* :func:`worldview_shapley` (why two worldviews disagree, in log-odds, summing exactly);
* :func:`smallest_belief_change` and :func:`decisive_observations` (the crux finder: what
  carries P(target) across a decision threshold);
* :func:`lint_worldview` (coherence lint: declared zeros and orders, overconfidence, stated
  marginals).
"""

from cruxnet.sensitivity.attribution import worldview_shapley
from cruxnet.sensitivity.common import Question, SensitivityError
from cruxnet.sensitivity.cruxes import decisive_observations, smallest_belief_change
from cruxnet.sensitivity.levers import lever_effects
from cruxnet.sensitivity.lint import lint_worldview
from cruxnet.sensitivity.oneway import node_swings, sensitivity_functions
from cruxnet.sensitivity.plots import plot, plot_levers, plot_shapley, plot_sobol, plot_tornado
from cruxnet.sensitivity.render import to_records, to_text
from cruxnet.sensitivity.sobol import sobol_indices
from cruxnet.sensitivity.voi import value_of_information

__all__ = ["Question", "SensitivityError", "decisive_observations", "lever_effects",
           "lint_worldview", "node_swings", "plot", "plot_levers", "plot_shapley", "plot_sobol",
           "plot_tornado", "sensitivity_functions", "smallest_belief_change", "sobol_indices",
           "to_records", "to_text", "value_of_information", "worldview_shapley"]
