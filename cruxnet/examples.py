"""Examples registry: named models with facts users can check; also test fixtures and CLI demos.

>>> ex = EXAMPLES["carlsmith_2021"]
>>> ex.expected["carlsmith"]
0.051376
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["EXAMPLES", "Example"]


@dataclass(frozen=True)
class Example:
    """A bundled model with a reference and the expected P(target=state) per worldview."""

    name: str
    reference: str
    model: str
    target: str
    state: str
    expected: Mapping[str, float] = field(default_factory=dict)


CARLSMITH_PREMISES = {
    "carlsmith": (0.65, 0.80, 0.40, 0.65, 0.40, 0.95),
    "superforecasters_2023": (0.80, 0.90, 0.58, 0.25, 0.05, 0.40),
}

EXAMPLES: dict[str, Example] = {
    "carlsmith_2021": Example(
        name="carlsmith_2021",
        reference="J. Carlsmith, 'Is Power-Seeking AI an Existential Risk?' (2021): six premises "
                  "whose product is P(existential catastrophe from power-seeking AI by 2070).",
        model="carlsmith_2021", target="catastrophe", state="yes",
        expected={w: round(math.prod(p), 12) for w, p in CARLSMITH_PREMISES.items()},
    ),
}
