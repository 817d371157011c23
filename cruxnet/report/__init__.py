"""Crux reports: one command from a model, its worldviews and evidence to a shareable document.

:func:`build_report` computes (:mod:`cruxnet.report.build`, :mod:`cruxnet.report.content`);
:func:`write_report` writes ``report.html`` (self-contained: inline CSS and plots) and
``report.md`` (with its figures in ``figures/``), the same content in both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cruxnet.base.writer import write_many
from cruxnet.report.build import build_report
from cruxnet.report.content import Report
from cruxnet.report.figures import plot_trajectory
from cruxnet.report.render import blocks, figure_workers, to_html, to_markdown

__all__ = ["Report", "build_report", "figure_workers", "plot_trajectory", "write_report"]


def write_report(report: Report, out_dir: str | Path, *, pool: Any = None
                 ) -> tuple[Path, Path]:
    """Write ``report.html`` and ``report.md`` (and ``figures/*.png``) into ``out_dir``.

    Returns the two paths. The directory is created if needed; existing report files in it are
    replaced. ``pool``: figure workers from :func:`figure_workers` (started before the
    report was computed, so their start-up overlaps it).
    """
    out = Path(out_dir)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    parts = blocks(report, pool=pool)
    title = f"Crux report: {report.model_title or report.model}"
    html_path, md_path = out / "report.html", out / "report.md"
    text, files = to_markdown(parts)
    # All files staged and synced first, then renamed together: an interruption or a full
    # disk leaves the previous report whole, never a new report.html beside an old report.md.
    write_many([*((out / rel, data) for rel, data in files.items()),
                (html_path, to_html(parts, title)), (md_path, text)])
    return html_path, md_path
