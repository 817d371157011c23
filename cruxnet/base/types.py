"""The one array type every module annotates with (floating-point NumPy arrays)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["NDArray"]

#: A float64 NumPy array of any shape.
NDArray = np.ndarray[Any, np.dtype[np.float64]]
