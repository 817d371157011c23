"""Uncertain parameters of a worldview: a point value plus, where stated, its distribution.

In a worldview file a parameter is written as

* a bare number: a point value. A probability slot takes the worldview's ``default_ess`` as its
  Beta uncertainty and a ratio slot its ``default_sd_log`` as its log-normal spread, when these
  are set; otherwise the number has no stated uncertainty (``dist is None``), which is fine for
  point queries and an error when parameters are drawn;
* ``{mean: 0.3, ess: 5}``: a probability with a Beta(mean * ess, (1 - mean) * ess) uncertainty;
* ``{median: 3, sd_log: 0.4}``: a positive ratio with a log-normal uncertainty;
* ``{mean: 0.1, sd: 0.05}``: a real number (e.g. an additive effect) with a normal uncertainty;
* ``{value: 0.3}``: a point value that is known exactly (never drawn).

The point CPT (what exact inference uses) is built from the values: the Beta mean, the
log-normal median, the normal mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Param"]


Kind = Literal["probability", "ratio", "real"]
Dist = Literal["fixed", "beta", "lognormal", "normal"]


@dataclass(frozen=True)
class Param:
    """One scalar parameter of a CPT form.

    Attributes
    ----------
    value
        Point value (the Beta mean or the log-normal median).
    kind
        ``probability`` in [0, 1], ``ratio`` > 0, or ``real``.
    dist
        ``beta``, ``lognormal``, ``normal``, ``fixed`` (known exactly), or ``None`` (uncertainty
        not stated).
    spread
        The Beta effective sample size, the log-normal ``sd_log`` or the normal ``sd``.
    """

    value: float
    kind: Kind = "probability"
    dist: Dist | None = None
    spread: float | None = None


