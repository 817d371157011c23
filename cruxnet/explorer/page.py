"""The explorer page: one self-contained HTML file (no network access, no external files).

The network picture is :func:`cruxnet.views.netview.network_svg` (the same look and layout as
``cruxnet show``) with the elements the page updates in place; the data is
:func:`cruxnet.explorer.payload.page_data` as JSON in a ``<script type="application/json">``
(``<``, ``>`` and ``&`` written as JSON escapes, so no text in a model can close the script);
the code is the project's own ES modules under ``static/``, one job each: ``engine/`` (the
exact engine: junction tree, evidence, contraction plan, WebAssembly, stated marginals,
intervals), ``forms/`` (one module per CPT form the page rebuilds), ``model/`` (the numbers
from the payload; ``engine/``, ``forms/`` and ``model/`` touch no DOM, and Node.js imports
them in tests/js/), ``page/`` (the picture, panels, actions, editor, ``window.cruxnet``) and
the entry ``main.js``. :func:`bundle_js` joins them, from the entry, into the one classic
``<script>`` the page inlines (a page opened from file:// cannot load modules).
"""

from __future__ import annotations

import base64
import html
import json
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from cruxnet.base.bundled import worldview_dir
from cruxnet.base.display import escape_markup
from cruxnet.base.errors import EvidenceError
from cruxnet.base.limits import check_picture_size
from cruxnet.base.writer import write_atomic
from cruxnet.explorer.junction import junction_tree
from cruxnet.explorer.payload import page_data
from cruxnet.inference.evidence import Evidence, EvidenceLike
from cruxnet.inference.exact import posterior
from cruxnet.inference.plan import draw_plan
from cruxnet.model.network import VIEWS, BayesNet
from cruxnet.views.netview import (
    BAR_W,
    EVIDENCE_COLOURS,
    NAME_W,
    ROLE_COLOURS,
    network_layout,
    network_svg,
)

__all__ = ["DRAW_WORK_LIMIT", "ENGINE_LIMIT", "Explorer", "explore", "explorer_page"]

#: Multiply-adds per action (contraction work x draws) above which the page computes no
#: interval over draws (it would take more than about a second in a browser).
DRAW_WORK_LIMIT = 3e8
#: Junction-tree entries above which the page does not compute at all (it says so).
ENGINE_LIMIT = 2e7


def _static(name: str) -> str:
    """The text of ``static/<name>`` (``name`` with ``/`` between folders)."""
    return resources.files("cruxnet.explorer").joinpath("static", *name.split("/")).read_text(
        "utf-8")


_NAME = r"[A-Za-z_$][\w$]*"
#: ``import {a, b as c} from "./x.js";`` at a line's start (the braces may span lines).
_IMPORT = re.compile(r'^import[ \t]*\{([^}]*)\}\s*from[ \t]*(["\'])(.*?)\2[ \t]*;?[ \t]*$', re.M)
#: ``export function f``, ``export async function f``, ``export class C``, ``export const c =``.
_EXPORT = re.compile(rf"^export\s+(?:(?:async\s+)?function\b\*?|class\b|const\b)\s*({_NAME})",
                     re.M)
#: What no module may hold once its supported imports and exports are taken out.
_UNSUPPORTED = re.compile(r"^(?:import|export)\b.*|\bimport\s*\(|\bimport\.meta\b", re.M)


def bundle_js(entry: str, read: Callable[[str], str]) -> str:
    """One classic script from the ES module ``entry`` and the modules it imports.

    ``read(path)`` gives a module's text (``path`` relative to the modules' folder, ``/``
    between folders). Each module becomes ``const __mod_<path> = (() => {...; return
    {exports}; })();``, after the modules it imports (depth first, in the order of its
    imports): each ``import {a, b as c} from "./x.js";`` becomes ``const {a, b: c} =
    __mod_x;`` and each ``export`` keyword goes. The whole is one strict function run once, so
    it defines no global. Only what the explorer's modules use is bundled: named imports of
    relative ``.js`` paths; ``export function``, ``export class``, ``export const NAME`` (one
    name per statement). Anything else (``export default``, ``export {...}``, ``export let``,
    ``import *``, default or bare imports, ``import()``), a missing module or name, two modules
    of one variable name and circular imports raise ValueError.
    """
    mods: dict[str, tuple[str, list[str]]] = {}  # path -> (its variable, its exports)
    code: list[str] = []

    def visit(path: str, chain: list[str]) -> None:
        if path in chain:
            raise ValueError(f"circular import: {' -> '.join([*chain[chain.index(path):], path])}")
        if path in mods:
            return
        try:
            text = read(path)
        except (OSError, KeyError) as err:
            by = f" (imported by {chain[-1]})" if chain else ""
            raise ValueError(f"cannot read the module {path}{by}") from err
        imports: list[tuple[str, list[tuple[str, str]]]] = []

        def take(m: re.Match[str]) -> str:
            spec = m.group(3)
            dep = posixpath.normpath(posixpath.join(posixpath.dirname(path), spec))
            if not spec.startswith(("./", "../")) or not spec.endswith(".js") or \
                    dep.startswith("../"):
                raise ValueError(f"{path}: cannot bundle {spec!r}: only relative imports of .js "
                                 "files inside the modules' folder")
            names = [re.fullmatch(rf"({_NAME})(?:\s+as\s+({_NAME}))?", x.strip())
                     for x in m.group(1).split(",") if x.strip()]
            if not names or not all(names):
                raise ValueError(f"{path}: cannot bundle {m.group(0)!r}")
            imports.append((dep, [(n[1], n[2] or n[1]) for n in names if n]))
            return ""

        body = _IMPORT.sub(take, text)
        exports = _EXPORT.findall(body)
        bad = _UNSUPPORTED.search(_EXPORT.sub("", body))
        if bad:
            raise ValueError(f"{path}: cannot bundle {bad[0].strip()!r}: only named imports and "
                             "export function/class/const NAME")
        var = "__mod_" + re.sub(r"\W", "_", path.removesuffix(".js"))
        if any(v == var for v, _ in mods.values()) or len(set(exports)) < len(exports):
            raise ValueError(f"{path}: another module is also {var}, or a name is exported twice")
        head = []
        for dep, names in imports:
            visit(dep, [*chain, path])
            missing = [n for n, _ in names if n not in mods[dep][1]]
            if missing:
                raise ValueError(f"{path}: {dep} does not export {', '.join(missing)}")
            pairs = ", ".join(n if n == a else f"{n}: {a}" for n, a in names)
            head.append(f"const {{{pairs}}} = {mods[dep][0]};\n")
        local = [a for _, names in imports for _, a in names]
        if len(set(local)) < len(local):
            raise ValueError(f"{path}: a name is imported twice")
        body = re.sub(r"^export\s+", "", body, flags=re.M).strip("\n")
        code.append(f"// {path}\nconst {var} = (() => {{\n{''.join(head)}{body}\n"
                    f"return {{{', '.join(exports)}}};\n}})();\n")
        mods[path] = (var, exports)

    visit(posixpath.normpath(entry), [])
    return '(() => {\n"use strict";\n' + "".join(code) + "})();\n"


def _page_code() -> str:
    """The page's script: static/main.js and the modules it imports, bundled."""
    code = bundle_js("main.js", _static)
    if "</script" in code.lower():  # it would end the page's <script> early
        raise ValueError("the explorer's JavaScript holds '</script'")
    return code


def _script_json(data: Mapping[str, Any]) -> str:
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class Explorer:
    """An explorer page and what it was built from; displays itself in Jupyter.

    Attributes
    ----------
    html
        The page (a standalone HTML document).
    data
        The data it carries (see :func:`cruxnet.explorer.payload.page_data`).
    """

    html: str
    data: Mapping[str, Any]

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (whole or not at all: :func:`cruxnet.base.writer
        .write_atomic`)."""
        return write_atomic(path, self.html)

    @property
    def size(self) -> int:
        """Bytes of the page."""
        return len(self.html.encode("utf-8"))

    def _repr_html_(self) -> str:
        # In an iframe: the page's own scripts and styles stay apart from the notebook's.
        doc = html.escape(self.html, quote=True)
        return (f'<iframe srcdoc="{doc}" style="width:100%;height:760px;border:1px solid '
                '#ddd" sandbox="allow-scripts allow-downloads"></iframe>')

    def __repr__(self) -> str:
        m = self.data["model"]
        return (f"Explorer(model={m['name']!r}, worldviews="
                f"{[w['name'] for w in self.data['worldviews']]}, draws={self.data['draws']}, "
                f"{self.size / 1e6:.2f} MB)")


def explorer_page(nets: Sequence[BayesNet], evidence: EvidenceLike = None, *,
                  draws: int = 1000, seed: int = 0, target: str | None = None,
                  ess: float | None = None, ci_prob: float = 0.9,
                  sources: Mapping[str, str] | None = None, title: str | None = None
                  ) -> Explorer:
    """The interactive explorer of ``nets`` (worldviews of one model; the first shows first).

    Parameters
    ----------
    nets
        Networks of one model, one per worldview the reader can switch to and compare.
    evidence
        The evidence the page opens with (the reader can clear it).
    draws, seed, ess
        Parameter draws the page's intervals come from (``ess``: the uncertainty of tables
        that state none, as for BIF networks); ``draws=0`` for point beliefs only.
    target
        The node whose probability the page headlines (default: the model's target).
    sources
        Worldview name -> what a downloaded worldview file ``extends:`` (default: a bundled
        worldview's name, a worldview file's absolute path; none for a network read from a
        BIF/XMLBIF file or built in Python, whose page offers the command line instead).

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> page = explorer_page([load_network("carlsmith_2021")], {"incentives": "yes"}, draws=50)
    >>> page.data["model"]["name"], page.html.startswith("<!DOCTYPE html>")
    ('carlsmith_2021', True)
    """
    if not nets:
        raise ValueError("explorer_page needs at least one network")
    spec = nets[0].spec
    check_picture_size(len(spec.node_ids), spec.name)
    for net in nets[1:]:
        if net.spec.name != spec.name or net.spec.node_ids != spec.node_ids:
            raise ValueError(f"worldview {net.worldview} is of model {net.spec.name}, not "
                             f"{spec.name}")
    ev = Evidence.of(evidence).resolved(spec)
    ev.validate(spec)
    if ev.fixed:
        raise EvidenceError(f"the explorer takes hard, likelihood and do() evidence; a fixed "
                            f"marginal ({', '.join(ev.fixed)}) is Jeffrey's rule, which the "
                            "page does not run: use cruxnet query --fixed")
    target = target or spec.default_target()
    if target not in spec:
        raise EvidenceError(f"unknown target node {target!r} in model {spec.name}")
    for net in nets:  # impossible evidence fails here, not in the reader's browser
        posterior(net, target, ev)
    layout = network_layout(spec)
    if sources is None:
        sources = {n.worldview: _source(n) for n in nets if _source(n)}
    # Limits first: a page that cannot use its draws does not carry them.
    junction = junction_tree(spec)
    plan = draw_plan(spec, target, draws)
    jt_entries, work = junction.total_size, plan.work
    limits: dict[str, Any] = {"no_draws": False, "no_engine": False, "message": ""}
    if jt_entries > ENGINE_LIMIT:
        limits.update(no_engine=True, no_draws=True, message=(
            f"This network is too large to explore in the page: one update would touch "
            f"{jt_entries:,} table entries (the page's limit is {ENGINE_LIMIT:,.0f}). The "
            "picture shows the beliefs without evidence; use cruxnet query for others."))
    elif draws and work * draws > DRAW_WORK_LIMIT:
        limits.update(no_draws=True, message=(
            f"No interval over draws: {draws:,} draws of this network take {work * draws:,.0f} "
            f"multiply-adds per click (the page's limit is {DRAW_WORK_LIMIT:,.0f}); point "
            "beliefs stay exact. Fewer --draws bring the interval back."))
    kept = 0 if limits["no_draws"] else draws
    data = page_data(nets, layout, target=target, evidence=ev, draws=kept, seed=seed, ess=ess,
                     ci_prob=ci_prob, sources=sources, junction=junction, plan=plan)
    data["limits"] = limits
    data["kernels"] = base64.b64encode(resources.files("cruxnet.explorer").joinpath(
        "static", "kernels.wasm").read_bytes()).decode("ascii")
    data["work"]["draws_asked"] = draws
    data["colours"] = {"roles": ROLE_COLOURS, "evidence": EVIDENCE_COLOURS}
    data["geometry"] = {"bar_w": BAR_W, "x_bar": 8 + NAME_W}
    beliefs = {n: posterior(nets[0], n).probs for n in spec.node_ids}
    svg = network_svg(nets[0], layout, beliefs, beliefs, {}, {}, Evidence(), target, ci_prob,
                      interactive=True)
    heading = title or f"{spec.title or spec.name}: explore"
    page = Template(_static("page.html")).substitute(
        title=escape_markup(heading), css=_static("explorer.css"), svg=svg,
        data=_script_json(data), code=_page_code(),
        version=escape_markup(str(data["version"])), model=escape_markup(spec.name),
        draws=f"{draws:,}", seed=seed)
    return Explorer(page, data)


def explore(nets: BayesNet | Sequence[BayesNet], evidence: EvidenceLike = None, *,
            draws: int = 1000, seed: int = 0, target: str | None = None,
            ess: float | None = None) -> Explorer:
    """The explorer for a notebook cell: ``explore(net)`` or ``explore([net_a, net_b],
    {"scheming": "no"}, draws=1000)`` shows the page inline (in an iframe) and ``.save(path)``
    writes it. ``net.explore(evidence, draws=...)`` is the same (registered in
    :data:`cruxnet.model.network.VIEWS`). See :func:`explorer_page`."""
    many = [nets] if isinstance(nets, BayesNet) else list(nets)
    return explorer_page(many, evidence, draws=draws, seed=seed, target=target, ess=ess)


VIEWS["explore"] = explore


def _source(net: BayesNet) -> str:
    """What a worldview file extends to reproduce ``net``'s worldview: its bundled name, its
    file's absolute path, or "" (a network file, or tables built in Python)."""
    file = net.prior.file if net.prior is not None else None
    if not file or not str(file).endswith((".yaml", ".yml")):
        return ""
    path = Path(file).resolve()
    bundled = worldview_dir(net.spec.name).resolve()
    return path.stem if path.parent == bundled else str(path)

