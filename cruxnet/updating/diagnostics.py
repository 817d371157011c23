"""Whether a PyMC fit can be used: ArviZ diagnostics with fixed thresholds, and quiet sampling.

Every fit cruxnet makes (count fits, the hierarchical pool) goes through :func:`check_fit`:
r_hat <= :data:`RHAT_MAX` and bulk ESS >= :data:`ESS_MIN` on every reported parameter and no
divergent transitions, else :class:`FitError` with the diagnostics and what to try.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from cruxnet.base.errors import FitError

__all__ = ["ESS_MIN", "RHAT_MAX", "FitError", "check_fit", "quiet_sampling"]

RHAT_MAX = 1.01
ESS_MIN = 400


def check_fit(idata: Any, var_names: Sequence[str], *, what: str,
              **extra: Any) -> dict[str, Any]:
    """ArviZ diagnostics of ``var_names``; :class:`FitError` if any fails the thresholds.

    Returns
    -------
    dict
        ``r_hat`` (the largest), ``r_hat_at``, ``ess_bulk`` (the smallest), ``ess_at``,
        ``divergences``.
    """
    from cruxnet.base.thirdparty import arviz

    az = arviz()

    post = idata.posterior
    names = [v for v in var_names if v in post]
    rhat = az.rhat(idata, var_names=names)
    ess = az.ess(idata, var_names=names, method="bulk")

    def worst(ds: Any, pick: Any) -> tuple[float, str]:
        best_v, best_at = None, ""
        for name in names:
            arr = np.asarray(ds[name].values, dtype=float).ravel()
            if not arr.size:
                continue
            i = int(pick(np.nan_to_num(arr, nan=np.inf if pick is np.argmax else -np.inf)))
            v = float(arr[i])
            flat_coords = list(itertools.product(*(ds[name][d].values for d in ds[name].dims)))
            at = name + (f"[{', '.join(map(str, flat_coords[i]))}]" if ds[name].dims else "")
            if best_v is None or (v > best_v if pick is np.argmax else v < best_v) \
                    or np.isnan(v):
                best_v, best_at = v, at
        return (float("nan") if best_v is None else best_v), best_at

    r_max, r_at = worst(rhat, np.argmax)
    e_min, e_at = worst(ess, np.argmin)
    div = int(idata.sample_stats["diverging"].values.sum()) if "sample_stats" in idata and \
        "diverging" in idata.sample_stats else 0
    diag = {"r_hat": r_max, "r_hat_at": r_at, "ess_bulk": e_min, "ess_at": e_at,
            "divergences": div, "draws": int(post.sizes["draw"]),
            "chains": int(post.sizes["chain"]), **extra}
    problems = []
    if not r_max <= RHAT_MAX:
        problems.append(f"r_hat {r_max:.3f} on {r_at} (needs <= {RHAT_MAX})")
    if not e_min >= ESS_MIN:
        problems.append(f"bulk ESS {e_min:.0f} on {e_at} (needs >= {ESS_MIN})")
    if div:
        problems.append(f"{div} divergent transitions")
    if problems:
        raise FitError(f"{what} did not converge: {'; '.join(problems)}. Try more draws and "
                       "tuning steps (draws=/tune=, or --draws/--tune), a higher target_accept "
                       "(0.95), or a prior that states more (a larger ess)", diag)
    return diag


@contextlib.contextmanager
def quiet_sampling(progress: bool) -> Iterator[None]:
    """Silence PyMC's log lines and PyTensor's BLAS notice unless a progress bar is wanted."""
    logger = logging.getLogger("pymc")
    level = logger.level
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*could not link to a BLAS.*")
        warnings.filterwarnings("ignore", category=FutureWarning, module="pymc")
        if not progress:
            logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            logger.setLevel(level)
