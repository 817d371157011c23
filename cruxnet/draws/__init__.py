"""Parameter draws: where each CPT's uncertain parameters are sampled (block-wise random
streams, the orderings and the coupling that keeps them), and the sources the batched engine
reads CPT draws from (:class:`~cruxnet.draws.source.ParameterSource`)."""

from cruxnet.draws.dataset import DatasetDraws, to_inference_data
from cruxnet.draws.streams import DEFAULT_DRAWS, DEFAULT_SEED
from cruxnet.draws.worldview import draw_worldview

__all__ = ["DEFAULT_DRAWS", "DEFAULT_SEED", "DatasetDraws", "draw_worldview",
           "to_inference_data"]
