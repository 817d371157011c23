"""The small error taxonomy of cruxnet: every error and warning it raises, in one module.

Every error a user can cause is a :class:`CruxnetError` whose message is one line naming the file,
node, state or value at fault; the CLI prints it as ``cruxnet: error: <message>`` and exits 2.
Bad input is also a :class:`ValueError`; a numerical fit that did not converge
(:class:`ConvergenceError`, :class:`FitError`) is also a :class:`RuntimeError`, as PyMC's
sampling errors are. The modules that raise them re-export them under their old names.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "ConvergenceError",
    "CruxnetError",
    "DrawsError",
    "ElicitationError",
    "ElicitationWarning",
    "EvidenceError",
    "FitError",
    "ImpossibleEvidenceError",
    "InterviewStopped",
    "JeffreyNotConverged",
    "LedgerError",
    "RoundedRowsWarning",
    "SensitivityError",
    "SpecError",
    "TooLargeError",
    "WriteError",
    "did_you_mean",
    "one_line",
]


class CruxnetError(ValueError):
    """Base class of every user-facing cruxnet error."""


class TooLargeError(CruxnetError):
    """A question whose computation would exceed a limit of :mod:`cruxnet.base.limits`."""


class WriteError(CruxnetError):
    """A file could not be written; the message says what became of the old one."""


class SpecError(CruxnetError):
    """A model, worldview or network file that is malformed or inconsistent.

    Parameters
    ----------
    message
        What is wrong, with the bad value.
    file
        The file at fault, if known.
    node
        The node at fault, if known.

    Examples
    --------
    >>> str(SpecError("CPT column sums to 0.9, not 1", file="m.yaml", node="scheming"))
    'm.yaml: node scheming: CPT column sums to 0.9, not 1'
    """

    def __init__(self, message: str, *, file: str | None = None, node: str | None = None):
        self.file = file
        self.node = node
        self.detail = message
        prefix = ""
        if file:
            prefix += f"{file}: "
        if node:
            prefix += f"node {node}: "
        super().__init__(prefix + message)


class EvidenceError(CruxnetError):
    """Evidence or an intervention that names an unknown node or state, or has a bad value."""


class ImpossibleEvidenceError(CruxnetError):
    """The evidence has probability zero under the model, so no posterior exists."""


class DrawsError(CruxnetError):
    """A bad setting for parameter draws: their number, the seed, the interval mass, the ess,
    or more draws than memory holds (the message says how much they would need)."""


class ConvergenceError(CruxnetError, RuntimeError):
    """A numerical fit that did not converge: slow, which is not the same as impossible."""


class JeffreyNotConverged(ConvergenceError):
    """The fit of fixed marginals did not converge (on the sweeps' fallback path)."""


class FitError(ConvergenceError):
    """A fit whose diagnostics fail (or that cannot be set up); never silently used.

    ``diagnostics`` holds the worst r_hat, the smallest bulk ESS, the number of divergences and
    the parameters they were found on.
    """

    def __init__(self, message: str, diagnostics: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.diagnostics = dict(diagnostics or {})


class ElicitationError(CruxnetError):
    """Elicited numbers that cannot describe a distribution (names the bad value)."""


class LedgerError(CruxnetError):
    """A ledger line that does not parse or does not fit the model (names file and line)."""


class SensitivityError(CruxnetError):
    """A sensitivity analysis asked for something it cannot do (bad node, threshold, size)."""


class InterviewStopped(CruxnetError):
    """The person stopped the interview (Ctrl-D or Ctrl-C); nothing was written."""


class ElicitationWarning(UserWarning):
    """The fitted distribution reproduces the elicited numbers only approximately."""


class RoundedRowsWarning(UserWarning):
    """A network file's rows summed to 1 only up to the rounding of their printed digits and
    were normalised (the CLI prints it as a note)."""


def did_you_mean(name: object, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for a close match, ignoring case, else an empty string (also
    for a name that is not text at all).

    >>> did_you_mean("Scheming", ["scheming", "lead_time"]), did_you_mean(1, ["a"])
    (" (did you mean 'scheming'?)", '')
    """
    if not isinstance(name, str):
        return ""
    lowered = {c.lower(): c for c in choices}
    if name.lower() in lowered:
        return f" (did you mean {lowered[name.lower()]!r}?)"
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.75)
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""


def one_line(exc: BaseException) -> str:
    """The message on one line, whatever a file's text put into it."""
    return " ".join(str(exc).split())
