"""Parameters as written in a worldview file (a mean with an effective sample size, a median with a
log-sd, a fixed value, a probability vector) read into :class:`~cruxnet.model.params.Param`
values, each problem a one-line error."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cruxnet.base.errors import SpecError
from cruxnet.base.validate import SUM_TOL, in_unit_interval, normalized_probabilities
from cruxnet.model.params import Kind, Param

__all__ = ["MIN_ESS", "ParseContext", "parse_ess", "parse_param", "parse_prob_vector"]


@dataclass(frozen=True)
class ParseContext:
    """Where a parameter is being read: for error messages and defaults."""

    file: str | None
    node: str
    default_ess: float | None = None
    default_sd_log: float | None = None

    def error(self, message: str) -> SpecError:
        """A :class:`SpecError` naming this file and node."""
        return SpecError(message, file=self.file, node=self.node)


#: A number YAML 1.1 leaves as text: an exponent without a dot (``1e-3``, ``5E2``).
_EXPONENT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$")


def _number(raw: object, what: str, ctx: ParseContext) -> float:
    if isinstance(raw, str) and _EXPONENT.match(raw.strip()):
        raw = float(raw)  # YAML 1.1 reads 1e-3 as text; a person means the number
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise ctx.error(f"{what} must be a number, got {raw!r}")
    x = float(raw)
    if not math.isfinite(x):
        raise ctx.error(f"{what} must be finite, got {raw!r}")
    return x


#: The smallest effective sample size: below it, Beta and Dirichlet draws are exactly 0 or 1
#: (to machine precision) in a large share of draws, and evidence on the node then looks
#: "impossible" in those draws although the real cause is the tiny weight.
MIN_ESS = 0.1


def parse_ess(raw: object, what: str, ctx: ParseContext) -> float:
    """An effective sample size: a finite number >= :data:`MIN_ESS` (``what`` labels the
    message, may be "")."""
    prefix = f"{what}: " if what else ""
    ess = _number(raw, f"{prefix}ess", ctx)
    if not ess > 0:
        raise ctx.error(f"{prefix}effective sample size must be > 0, got {ess:g}")
    if ess < MIN_ESS:
        raise ctx.error(f"{prefix}effective sample size {ess:g} is below {MIN_ESS:g}: so little "
                        "weight makes the drawn probabilities exactly 0 or 1 in many draws "
                        f"(state at least {MIN_ESS:g}, or a wide interval instead)")
    return ess


def _check_value(x: float, kind: Kind, what: str, ctx: ParseContext) -> None:
    if kind == "probability" and not in_unit_interval(x):
        raise ctx.error(f"{what}: probability {x:g} is outside [0, 1]")
    if kind == "ratio" and not x > 0:
        raise ctx.error(f"{what}: ratio must be > 0, got {x:g}")


def _clip(x: float, kind: Kind, what: str, ctx: ParseContext) -> float:
    """Check ``x`` and clip a probability that passed within tolerance into [0, 1]."""
    _check_value(x, kind, what, ctx)
    return min(max(x, 0.0), 1.0) if kind == "probability" else x


def parse_param(raw: object, kind: Kind, what: str, ctx: ParseContext) -> Param:
    """Read one parameter (see the module docstring for the forms it may take).

    Examples
    --------
    >>> ctx = ParseContext(file="w.yaml", node="scheming", default_ess=5)
    >>> parse_param(0.2, "probability", "base", ctx)
    Param(value=0.2, kind='probability', dist='beta', spread=5.0)
    >>> parse_param({"median": 3, "sd_log": 0.5}, "ratio", "odds", ctx)
    Param(value=3.0, kind='ratio', dist='lognormal', spread=0.5)
    >>> parse_param(1.2, "probability", "base", ctx)
    Traceback (most recent call last):
    ...
    cruxnet.base.errors.SpecError: w.yaml: node scheming: base: probability 1.2 is outside [0, 1]
    """
    if isinstance(raw, Mapping):
        keys = set(map(str, raw))
        if "mean" in keys and kind == "real":
            x = _number(raw["mean"], f"{what} mean", ctx)
            if "sd" not in keys:
                raise ctx.error(f"{what}: 'mean' of a real number needs an 'sd' (its normal "
                                "standard deviation)")
            sd = _number(raw["sd"], f"{what} sd", ctx)
            if not sd > 0:
                raise ctx.error(f"{what}: sd must be > 0, got {sd:g}")
            return Param(x, kind, "normal", sd)
        if "mean" in keys:
            if kind != "probability":
                raise ctx.error(f"{what}: 'mean'/'ess' is for probabilities; for a {kind} use "
                                "'median'/'sd_log'")
            x = _clip(_number(raw["mean"], f"{what} mean", ctx), kind, what, ctx)
            if "ess" not in keys:
                raise ctx.error(f"{what}: 'mean' needs an 'ess' (effective sample size)")
            ess = parse_ess(raw["ess"], what, ctx)
            return Param(x, kind, "beta", ess)
        if "median" in keys:
            x = _number(raw["median"], f"{what} median", ctx)
            if not x > 0:
                raise ctx.error(f"{what}: a log-normal median must be > 0, got {x:g}")
            if kind == "probability":
                raise ctx.error(f"{what}: a probability takes 'mean'/'ess', not 'median'")
            sd = _number(raw.get("sd_log"), f"{what} sd_log", ctx)
            if not sd > 0:
                raise ctx.error(f"{what}: sd_log must be > 0, got {sd:g}")
            return Param(x, kind, "lognormal", sd)
        if "value" in keys:
            x = _clip(_number(raw["value"], f"{what} value", ctx), kind, what, ctx)
            return Param(x, kind, "fixed", None)
        raise ctx.error(f"{what}: expected a number, {{mean, ess}}, {{median, sd_log}}, "
                        f"{{mean, sd}} or {{value}}, got {dict(raw)!r}")
    x = _clip(_number(raw, what, ctx), kind, what, ctx)
    if kind == "probability" and ctx.default_ess is not None:
        return Param(x, kind, "beta", float(ctx.default_ess))
    if kind == "ratio" and ctx.default_sd_log is not None:
        return Param(x, kind, "lognormal", float(ctx.default_sd_log))
    return Param(x, kind, None, None)


def parse_prob_vector(
    raw: object, card: int, what: str, ctx: ParseContext, *, normalize: bool = False
) -> tuple[float, ...]:
    """Read a probability vector over ``card`` states.

    A scalar is accepted for a two-state node and read as the probability of the second state
    (``yes``): ``0.3`` means ``[0.7, 0.3]``. Entries must lie in [0, 1] and sum to 1 within
    :data:`SUM_TOL`, unless ``normalize`` is true (for hand-rounded rows).

    Examples
    --------
    >>> ctx = ParseContext(file="w.yaml", node="lead_time")
    >>> parse_prob_vector(0.25, 2, "p", ctx)
    (0.75, 0.25)
    >>> parse_prob_vector([0.3, 0.3, 0.3], 3, "p", ctx)
    Traceback (most recent call last):
    ...
    cruxnet.base.errors.SpecError: w.yaml: node lead_time: p: probabilities [0.3, 0.3, 0.3] ...
    """
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if card != 2:
            raise ctx.error(f"{what}: a single number is only allowed for a two-state node; "
                            f"give {card} probabilities")
        x = _clip(_number(raw, what, ctx), "probability", what, ctx)
        return (1.0 - x, x)
    if not isinstance(raw, list):
        raise ctx.error(f"{what}: expected a list of {card} probabilities, got {raw!r}")
    if len(raw) != card:
        raise ctx.error(f"{what}: expected {card} probabilities (one per state), got {len(raw)}")
    vals = [_number(v, what, ctx) for v in raw]
    for v in vals:
        _check_value(v, "probability", what, ctx)
    total = math.fsum(vals)
    if normalize:
        if not total > 0:
            raise ctx.error(f"{what}: probabilities {raw!r} sum to 0")
        return normalized_probabilities(vals)
    if abs(total - 1.0) > SUM_TOL:
        raise ctx.error(f"{what}: probabilities {raw!r} sum to {total:.12g}, not 1 "
                        "(set 'normalize: true' for hand-rounded rows)")
    return normalized_probabilities(vals)
