"""Third-party packages imported the same way whatever the user's machine has seen before.

ArviZ 0.2x announces its 1.0 refactor with a ``FutureWarning`` once per day per user cache
(a stamp file under the user's cache folder), so whether a user sees it, and whether a test
that turns warnings into errors passes, would depend on the date and the home folder. cruxnet
imports ArviZ only through :func:`arviz`, and PyMC (which imports ArviZ) inside
:func:`quiet_arviz_notice`: both silence that one notice and nothing else.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

__all__ = ["ARVIZ_NOTICE", "arviz", "quiet_arviz_notice"]

#: The start of ArviZ's daily notice (its text begins with a newline).
ARVIZ_NOTICE = r"\s*ArviZ is undergoing a major refactor"


@contextmanager
def quiet_arviz_notice() -> Iterator[None]:
    """Ignore ArviZ's daily refactor notice inside the block; every other warning is kept."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=ARVIZ_NOTICE, category=FutureWarning)
        yield


def arviz() -> ModuleType:
    """``import arviz``, without its daily notice."""
    with quiet_arviz_notice():
        import arviz as az
    return az

