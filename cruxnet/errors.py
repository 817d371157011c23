"""The small error taxonomy of cruxnet.

Every error a user can cause is a :class:`CruxnetError` whose message is one line naming the file,
node, state or value at fault; the CLI prints it as ``cruxnet: error: <message>`` and exits 2.
"""

from __future__ import annotations

__all__ = [
    "ConvergenceError",
    "CruxnetError",
    "DrawsError",
    "EvidenceError",
    "ImpossibleEvidenceError",
    "SpecError",
]


class CruxnetError(ValueError):
    """Base class of every user-facing cruxnet error."""


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


class ConvergenceError(CruxnetError):
    """A numerical fit that did not converge: slow, which is not the same as impossible."""
