"""A :class:`~cruxnet.report.content.Report` as Markdown and as self-contained HTML.

Both come from one list of blocks (headings, paragraphs, tables, figures), so they say the same
thing. HTML escapes every piece of text (node definitions and worldview readings are user text)
and inlines figures as base64 PNG: the file opens with no network access.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.display import escape_markup
from cruxnet.base.terminal import escape_controls
from cruxnet.report.figures import distribution_figure, png, trajectory_figure

if TYPE_CHECKING:
    from cruxnet.report.content import Report, WorldviewSection

__all__ = ["Block", "blocks", "figure_workers", "to_html", "to_markdown"]


@dataclass(frozen=True)
class Block:
    """One piece of a report: ``kind`` is h1, h2, h3, p, note, table, figure (PNG), svg,
    toc (the contents: ``items`` are the h2 titles), list, or explorer (``image``: the
    explorer page, in an iframe in HTML and beside report.md as NAME.html)."""

    kind: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    image: bytes = b""
    name: str = ""  # figure file stem
    items: tuple[str, ...] = ()
    job: tuple[str, tuple[Any, ...]] | None = None  # a figure still to render (see _rendered)


def _f(x: Any, digits: int = 3) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not np.isfinite(v):
        return "–"
    return readable(v, digits)


def readable(v: float, digits: int = 3) -> str:
    """A number with ``digits`` decimals, or, when that would show a small nonzero value as
    0.000, with two significant digits (``2.3e-05``): a near-zero interval stays readable.

    >>> readable(0.123456), readable(0.0000234), readable(0.0)
    ('0.123', '2.3e-05', '0.000')
    """
    if v != 0 and abs(v) < 0.5 * 10 ** -digits:
        return f"{v:.2g}"
    return f"{v:.{digits}f}"


def _ci(pair: Any) -> str:
    lo, hi = (float(v) for v in pair)
    return ("–" if not (np.isfinite(lo) and np.isfinite(hi))
            else f"[{readable(lo)}, {readable(hi)}]")


def _headline(report: Report) -> Iterator[Block]:
    s = report.state
    yield Block("h2", f"Headline: P({report.target}={s})")
    ev = report.evidence.describe()
    yield Block("p", f"Given {ev if not report.evidence.is_empty() else 'no evidence'}. Point "
                     "value at each worldview's stated numbers; mean, median and 90% "
                     "equal-tailed interval over "
                     f"{report.provenance['draws']:,} draws of its uncertain parameters.")
    rows = []
    ledger = any(sec.trajectory is not None for sec in report.sections)
    for sec in report.sections:
        lo, hi = sec.summary.interval[s]
        row: tuple[str, ...] = (sec.worldview, _f(sec.point), _f(sec.summary.mean[s]),
                                _f(sec.summary.median[s]), _ci((lo, hi)))
        if ledger:
            t = sec.trajectory
            row += ((_f(t.p.values[-1]), _ci(t.interval.values[-1])) if t is not None
                    else ("-", "-"))
        rows.append((*row, sec.attribution or "-"))
    header: tuple[str, ...] = ("worldview", "point", "mean", "median", "90% interval")
    if ledger:
        n = max(s_.trajectory.sizes["step"] - 1 for s_ in report.sections
                if s_.trajectory is not None)
        header += (f"after the ledger ({n} entries)", "after: 90% interval")
        yield Block("p", f"The ledger {report.provenance.get('ledger')} updates each worldview: "
                         "the prior is beside the belief after every entry (the trajectory "
                         "section shows each step).")
    yield Block("table", header=(*header, "whose numbers"), rows=tuple(rows))
    yield Block("figure", "P(target) across parameter draws, per worldview.",
                job=("distributions", (report,)), name="distributions")
    for sec in report.sections:
        if sec.trio is not None:
            yield Block("note", f"{sec.worldview}: {sec.trio.note}")


def _crux_table(sec: WorldviewSection, top: int) -> Block:
    t, v, sob = sec.tornado, sec.voi, sec.sobol
    st = {str(f): float(x) for f, x in zip(sob.factor.values, sob.ST.values, strict=True)}
    rows = []
    for node in [str(n) for n in t.node.values[:top]]:
        r = t.sel(node=node)
        clash = str(r.contradicting_states.values) if "contradicting_states" in r else ""
        states = (f"{r.low_state.values} → {r.high_state.values}" if not clash else
                  f"{r.low_state.values}; {clash}: contradicts the evidence")
        rows.append((node, states,
                     f"{_f(r.low)} – {_f(r.high)}", _f(r.swing), _ci(r.swing_ci.values),
                     _f(r.do_swing),
                     _f(v.variance_reduction.sel(node=node), 4) if node in v.node else "-",
                     _f(v.mutual_information.sel(node=node), 4) if node in v.node else "-",
                     _f(st.get(node, np.nan))))
    return Block("table", header=("node", "states", "P(target) range", "swing",
                                  "swing 90%", "do() swing", "VOI (var. red.)", "MI (nats)",
                                  "Sobol ST"), rows=tuple(rows))


def _worldview(report: Report, sec: WorldviewSection, top: int) -> Iterator[Block]:
    yield Block("h2", f"Worldview {sec.worldview}")
    if sec.title:
        yield Block("p", f"{sec.title}. {sec.reading}")
    if sec.attribution:
        yield Block("note", f"Whose numbers: {sec.attribution}")
    if sec.differences:
        base = dict((w, b) for w, b, _ in sec.differences).get("base", "its base")
        yield Block("p", f"What {sec.worldview} changes against {base}:")
        yield Block("table", header=("what", str(base), sec.worldview),
                    rows=tuple(r for r in sec.differences if r[0] != "base"))
    yield Block("h3", "Which cruxes matter")
    yield Block("p", "Swing: how far P(target) moves if we learned the node's state (interval "
                     "over draws); do() swing: how far it moves if we set the node by "
                     "intervention (they differ where the node shares causes with the "
                     "target). Outcome nodes are left out: they are the target's definition, "
                     "not something to learn or set beforehand. "
                     "VOI: the expected reduction in the variance of P(target) "
                     "from observing the node; MI its mutual information with the target. "
                     "Sobol ST: the share of the uncertainty in P(target) the node's "
                     "parameters are involved in.")
    yield _crux_table(sec, top)
    yield _figure(sec, f"Tornado under {sec.worldview}.", ("tornado", (sec.tornado, top)),
                  f"tornado_{sec.worldview}")
    if sec.levers is not None:
        lv = sec.levers
        yield Block("h3", "Levers: doing vs observing")
        rows = tuple(
            (str(r.lever.values), f"{r.low_state.values} → {r.high_state.values}",
             f"{_f(r.do_low)} → {_f(r.do_high)}", _f(r.effect), _ci(r.effect_ci.values),
             _f(r.observed_effect), _f(r.rank_stability, 2), str(r.backdoor.values))
            for r in (lv.isel(lever=i) for i in range(lv.sizes["lever"])))
        yield Block("table", header=("lever", "bottom → top", "P(target) under do", "effect",
                                     "effect 90%", "observed effect", "rank stability",
                                     "why observing differs"), rows=rows)
        yield _figure(sec, f"Lever effects under {sec.worldview}.", ("levers", (lv,)),
                      f"levers_{sec.worldview}")
    yield from _crux_finder(report, sec)


def _job_key(job: tuple[str, tuple[Any, ...]]) -> str:
    """How a section's pre-rendered figure is found: the kind and any plain arguments."""
    kind, args = job
    return ":".join([kind, *(str(a) for a in args if isinstance(a, (int, float, str)))])


def _figure(sec: WorldviewSection, caption: str, job: tuple[str, tuple[Any, ...]],
            name: str) -> Block:
    image = sec.figures.get(_job_key(job))
    if image is not None:
        return Block("figure", caption, image=image, name=name)
    return Block("figure", caption, job=job, name=name)


def section_figures(sec: WorldviewSection, top: int = 10) -> dict[str, bytes]:
    """A section's own figures (tornado, levers) as PNG, keyed for :func:`blocks` with the
    same ``top``: rendered where the section was computed (a worker process)."""
    jobs: list[tuple[str, tuple[Any, ...]]] = [("tornado", (sec.tornado, top))]
    if sec.levers is not None:
        jobs.append(("levers", (sec.levers,)))
    return {_job_key(job): _render_job(*job) for job in jobs}


def _crux_finder(report: Report, sec: WorldviewSection) -> Iterator[Block]:
    tau = report.threshold
    base = sec.point
    side = "below" if base >= tau else "above"
    yield Block("h3", f"What would carry P(target) {side} {tau:g}")
    bc = sec.belief_change
    crossing = bc.where(np.isfinite(bc["shift"]), drop=True) if bc is not None else None
    if crossing is None:
        yield Block("p", sec.left_out.get("belief_change", "The smallest belief change is "
                                                           "left out."))
    elif crossing.sizes["node"] == 0:
        yield Block("p", f"No single node's beliefs, shifted towards certainty in one state, "
                         f"carry P(target) = {base:.3f} across {tau:g}.")
    else:
        rows = tuple((str(n), str(crossing.state.sel(node=n).values),
                      _f(crossing["shift"].sel(node=n)),
                      f"{_f(crossing.p_node_before.sel(node=n))} → "
                      f"{_f(crossing.p_node_after.sel(node=n))}")
                     for n in crossing.node.values[:5])
        yield Block("p", "The smallest shift of one node's beliefs towards certainty in one "
                         "state (0 = as now, 1 = certain) that crosses the threshold:")
        yield Block("table", header=("node", "state", "shift", "P(node = state)"), rows=rows)
    obs = sec.observations
    rows = tuple((str(obs.node.values[i]), _f(obs.p_cross.values[i]),
                  _ci(obs.p_cross_ci.values[i]), str(obs.crossing_states.values[i]))
                 for i in range(min(5, obs.sizes["node"])) if obs.p_cross.values[i] > 0)
    if rows:
        yield Block("p", "Observations most likely to carry it across:")
        yield Block("table", header=("node", "P(crosses)", "90% interval", "crossing states"),
                    rows=rows)


def _trajectory(report: Report) -> Iterator[Block]:
    if all(s.trajectory is None for s in report.sections):
        return
    yield Block("h2", "Belief trajectory")
    yield Block("p", f"The ledger {report.provenance.get('ledger')} replayed under each "
                     "worldview: P(target) after each entry, with its 90% interval.")
    yield Block("figure", "P(target) after each ledger entry.", job=("trajectory", (report,)),
                name="trajectory")
    first = next(s.trajectory for s in report.sections if s.trajectory is not None)
    header = ("step", "entry", "date", "by", "source",
              *(s.worldview for s in report.sections if s.trajectory is not None))
    rows = []
    for k in range(first.sizes["step"]):
        cells = [str(k), str(first.entry.values[k]), str(first.date.values[k]),
                 str(first.by.values[k]), str(first.citation.values[k])]
        for s in report.sections:
            if s.trajectory is not None:
                cells.append(f"{_f(s.trajectory.p.values[k])} "
                             f"{_ci(s.trajectory.interval.values[k])}")
        rows.append(tuple(cells))
    yield Block("table", header=header, rows=tuple(rows))


def _attribution(report: Report) -> Iterator[Block]:
    if not report.attributions:
        return
    yield Block("h2", "Where the worldviews part ways")
    yield Block("p", "The difference in log-odds of P(target) between two worldviews, split "
                     "over nodes by Shapley values over swapping each node's CPT; the "
                     "contributions add up to the difference.")
    for ds in report.attributions:
        a, b = ds.attrs["worldview_a"], ds.attrs["worldview_b"]
        rows = tuple((str(n), f"{float(c):+.3f}", f"{float(sh):.0%}")
                     for n, c, sh in zip(ds.node.values[:5], ds.contribution.values[:5],
                                         ds.share.values[:5], strict=True))
        yield Block("h3", f"{b} vs {a}: {ds.attrs['p_b']:.3f} vs {ds.attrs['p_a']:.3f} "
                          f"(log-odds {ds.attrs['total']:+.3f})")
        yield Block("table", header=("node", "contribution", "share"), rows=rows)


def _appendix(report: Report) -> Iterator[Block]:
    yield Block("h2", "Appendix: the nodes")
    for n in report.nodes:
        extra = f" Parents: {', '.join(n['parents'])}." if n["parents"] else ""
        cites = f" Sources: {'; '.join(n['cites'])}." if n["cites"] else ""
        yield Block("p", f"{n['id']} ({n['label']}; {n['role']}"
                         f"{', headline crux' if n['headline'] else ''}; states "
                         f"{', '.join(n['states'])}): {n['definition']}{extra}{cites}")
        bases = [(sec.worldview, sec.basis[n["id"]]) for sec in report.sections
                 if n["id"] in sec.basis]
        if bases:
            yield Block("list", items=tuple(f"Basis of the numbers ({w}): {b}"
                                            for w, b in bases))


def _provenance(report: Report) -> Iterator[Block]:
    p = report.provenance
    yield Block("h2", "Provenance")
    items = [f"cruxnet {p['cruxnet_version']}; model {p['model']}, spec sha256 "
             f"{p['spec_sha256']}",
             *(f"worldview {w}: sha256 {h}" for w, h in p["worldviews"].items()),
             f"seed {p['seed']}; {p['draws']:,} draws for the headline, "
             f"{p['analysis_draws']:,} for the analyses' intervals, Sobol N = "
             f"{p['sobol_samples']}, {p['shapley_permutations']} Shapley orders per pair",
             f"evidence: {p['evidence']}; decision threshold {p['threshold']:g}",
             "packages: " + ", ".join(f"{k} {v}" for k, v in p["packages"].items()),
             f"date: {p['date']}"]
    yield Block("list", items=tuple(items))


def blocks(report: Report, top: int = 10, pool: Any = None) -> list[Block]:
    """The report as blocks, in reading order."""
    wvs = ", ".join(s.worldview for s in report.sections)
    out = [Block("h1", f"Crux report: {report.model_title or report.model}"),
           Block("p", f"Model {report.model}; target P({report.target}={report.state}); "
                      f"worldviews {wvs}. {report.model_description}")]
    out += list(_headline(report))
    out.append(Block("h2", "The network"))
    given = "no evidence" if report.evidence.is_empty() else report.evidence.describe()
    out.append(Block("svg", f"Each node's belief under {report.network_worldview} given "
                            f"{given}: one bar per state; causes left, the target right; the "
                            "strip's colour is the node's role, headline cruxes outlined (the "
                            "legend is below the network).",
                     image=report.network_svg.encode("utf-8"), name="network"))
    if report.explorer_html:
        out.append(Block("explorer", "Explore it: click a state to observe it (shift-click: "
                                     "set it by do()), switch and compare worldviews, state your "
                                     "own marginals; every belief and P(target) with its interval "
                                     "update at once, computed exactly in the page.",
                         image=report.explorer_html.encode("utf-8"), name="explore"))
    elif report.explorer_note:
        out.append(Block("note", report.explorer_note))
    for sec in report.sections:
        out += list(_worldview(report, sec, top))
    out += list(_trajectory(report))
    out += list(_attribution(report))
    out += list(_appendix(report))
    out += list(_provenance(report))
    titles = tuple(b.text for b in out if b.kind == "h2")
    out.insert(2, Block("toc", "Contents", items=titles))
    return _rendered(out, pool)


def slugs(titles: Sequence[str]) -> list[str]:
    """Heading anchors as GitHub makes them (lowercase; letters, digits, spaces, hyphens and
    underscores kept; spaces to hyphens; ``-1``, ``-2`` on repeats), so the Markdown's links
    work on GitHub and the HTML's ids match them.

    >>> slugs(["Headline: P(catastrophe=yes)", "Worldview a", "Worldview a"])
    ['headline-pcatastropheyes', 'worldview-a', 'worldview-a-1']
    """
    seen: dict[str, int] = {}
    out = []
    for title in titles:
        base = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(base if n == 0 else f"{base}-{n}")
    return out


def _render_job(kind: str, args: tuple[Any, ...]) -> bytes:
    """One figure as PNG (module level, so a worker process can run it)."""
    from cruxnet.sensitivity.plots import plot_levers, plot_tornado

    make: dict[str, Callable[..., Any]] = {
        "distributions": distribution_figure,
        "tornado": plot_tornado, "levers": plot_levers, "trajectory": trajectory_figure}
    return png(make[kind](*args))


@contextlib.contextmanager
def figure_workers() -> Iterator[Any]:
    """Two worker processes for a report: its worldviews in parallel, then its figures.

    Start them before computing a report (``build_report(pool=...)``, ``write_report(pool=...)``):
    they fork while the process is still small and has no threads. Yields ``None`` where
    processes cannot fork, or when the environment sets ``CRUXNET_NO_WORKERS`` (everything
    then runs in this process).
    """
    if not hasattr(os, "fork") or os.environ.get("CRUXNET_NO_WORKERS"):
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _rendered(parts: list[Block], pool: Any = None) -> list[Block]:
    """Render every figure's job, on two worker processes when there are several (figures
    are independent; matplotlib renders one figure per process at a time). ``pool``: workers
    from :func:`figure_workers` to use instead of starting new ones."""
    jobs = [b for b in parts if b.job is not None]
    if pool is not None and jobs:
        images = list(pool.map(_render_job, *zip(*(b.job for b in jobs), strict=True)))
    elif len(jobs) > 2:
        with figure_workers() as workers:
            images = ([_render_job(*b.job) for b in jobs]  # type: ignore[misc]
                      if workers is None else
                      list(workers.map(_render_job, *zip(*(b.job for b in jobs),
                                                          strict=True))))
    else:
        images = [_render_job(*b.job) for b in jobs]  # type: ignore[misc]
    done = dict(zip((id(b) for b in jobs), images, strict=True))
    return [replace(b, image=done[id(b)], job=None) if id(b) in done else b for b in parts]


def file_slug(name: str) -> str:
    """A name made safe as one file name: letters, digits, ``_``, ``-`` and ``.`` kept, anything
    else (a ``/``, ``..``, NUL, spaces) replaced, with a short hash when anything was, so two
    names never share a file. A file name derived from a name is a slug, never a path.

    >>> file_slug("tornado_gs_deference"), file_slug("tornado_team/alpha")
    ('tornado_gs_deference', 'tornado_team_alpha-...')
    >>> file_slug("../../x")
    'x-...'
    """
    import hashlib
    import re

    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "figure"
    if slug == name:
        return slug
    return f"{slug[:80]}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def md_text(text: str) -> str:
    """Text from a model or worldview as Markdown shows it: control characters made visible and
    ``&``, ``<`` and ``>`` as entities, so a label holding markup is shown, never run, by a
    Markdown renderer.

    >>> md_text("yes = <script>alert('x')</script> & more \\x1b")
    "yes = &lt;script&gt;alert('x')&lt;/script&gt; &amp; more \\\\x1b"
    """
    return escape_controls(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(parts: list[Block], figure_dir: str = "figures") -> tuple[str, dict[str, bytes]]:
    """Markdown text and the figure files it links (``{relative path: png bytes}``). Every text
    field is escaped (:func:`md_text`) and every file name is a slug (:func:`file_slug`)."""
    lines: list[str] = []
    files: dict[str, bytes] = {}

    def cell(t: str) -> str:
        return md_text(t).replace("|", "\\|").replace("\n", " ")

    for b in parts:
        text = md_text(b.text)
        if b.kind == "toc":
            lines += [f"**{text}**", ""]
            lines += [f"{i}. [{md_text(t)}](#{a})" for i, (t, a) in
                      enumerate(zip(b.items, slugs(b.items), strict=True), 1)] + [""]
        elif b.kind in ("h1", "h2", "h3"):
            lines += [f"{'#' * int(b.kind[1])} {text}", ""]
        elif b.kind == "p":
            lines += [text, ""]
        elif b.kind == "note":
            lines += [f"> {text}", ""]
        elif b.kind == "table":
            lines.append("| " + " | ".join(cell(h) for h in b.header) + " |")
            lines.append("|" + "---|" * len(b.header))
            lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in b.rows]
            lines.append("")
        elif b.kind == "explorer":  # its own page beside the report (Markdown runs no script)
            name = file_slug(b.name)
            files[f"{name}.html"] = b.image
            lines += [f"[Open the interactive explorer]({name}.html) ({text})", ""]
        elif b.kind in ("figure", "svg"):
            path = f"{figure_dir}/{file_slug(b.name)}.{'png' if b.kind == 'figure' else 'svg'}"
            files[path] = b.image
            lines += [f"![{text}]({path})", "", f"*{text}*", ""]
        elif b.kind == "list":
            lines += [f"- {md_text(i)}" for i in b.items] + [""]
    return "\n".join(lines), files


CSS = """
body { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } figure { margin: 1em 0; } img { max-width: 100%; }
figcaption { color: #555; font-size: 0.9em; } blockquote { color: #7a4a00; margin-left: 1em; }
"""


def to_html(parts: list[Block], title: str) -> str:
    """A self-contained HTML page (inline CSS and PNGs); every text is escaped."""
    e = escape_markup
    body: list[str] = []
    anchors = iter(slugs([b.text for b in parts if b.kind == "h2"]))
    for b in parts:
        if b.kind == "toc":
            links = "".join(f'<li><a href="#{a}">{e(t)}</a></li>'
                            for t, a in zip(b.items, slugs(b.items), strict=True))
            body.append(f'<nav class="toc"><strong>{e(b.text)}</strong><ol>{links}</ol></nav>')
        elif b.kind == "h2":
            body.append(f'<h2 id="{next(anchors)}">{e(b.text)}</h2>')
        elif b.kind in ("h1", "h3"):
            body.append(f"<{b.kind}>{e(b.text)}</{b.kind}>")
        elif b.kind == "p":
            body.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "note":
            body.append(f"<blockquote>{e(b.text)}</blockquote>")
        elif b.kind == "table":
            head = "".join(f"<th>{e(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>"
                           for r in b.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif b.kind == "figure":
            data = base64.b64encode(b.image).decode("ascii")
            body.append(f'<figure><img alt="{e(b.text)}" src="data:image/png;base64,{data}">'
                        f"<figcaption>{e(b.text)}</figcaption></figure>")
        elif b.kind == "svg":  # our own SVG (its texts escaped when it was drawn)
            body.append('<figure><div style="overflow-x:auto">' + b.image.decode("utf-8")
                        + f"</div><figcaption>{e(b.text)}</figcaption></figure>")
        elif b.kind == "explorer":  # the page in an iframe: its scripts and styles stay apart
            body.append(f'<figure class="explorer"><iframe title="{e(b.name)}" '
                        f'srcdoc="{e(b.image.decode("utf-8"))}" sandbox="allow-scripts '
                        'allow-downloads" style="width:100%;height:820px;border:1px solid '
                        f'#ddd"></iframe><figcaption>{e(b.text)}</figcaption></figure>')
        elif b.kind == "list":
            body.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{e(title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")

