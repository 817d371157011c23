"""The report tests' settings: small draw counts and a fixed date, so a report builds in seconds
and says the same every day."""

from __future__ import annotations

import datetime as dt

DAY = dt.date(2026, 1, 2)
SMALL = {"draws": 4000, "analysis_draws": 200, "sobol_samples": 64, "today": DAY}
