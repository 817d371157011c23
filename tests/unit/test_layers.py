"""The package's shape, read from its source: every import (lazy and type-only ones too) goes
down the layers, no two files import each other in a circle, no private name is imported from
another module, and PyMC is imported only in :mod:`cruxnet.updating`. The notebooks use only
public names."""

from __future__ import annotations

import ast
from collections import defaultdict

from support import ROOT

PACKAGE = ROOT / "cruxnet"

#: Each room (a subpackage or a top-level module) and its layer; imports go to the same or a
#: lower layer. Data flows: specs -> worldviews -> draws -> inference -> analyses -> reports.
LAYERS = {
    "base": 0,
    "model": 1,
    "files": 2,
    "draws": 3,
    "inference": 4, "io": 4,
    "catalog": 5, "beliefs": 5,
    "views": 6, "sensitivity": 6, "updating": 6,
    "report": 7, "explorer": 7,
    "__init__": 8, "examples": 8,
    "cli": 9, "__main__": 10,
}


def _modules() -> dict[str, ast.Module]:
    out = {}
    for f in PACKAGE.rglob("*.py"):
        parts = f.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = ast.parse(f.read_text(encoding="utf-8"))
    return out


def _room(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _imports(tree: ast.Module) -> list[tuple[str, list[str]]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cruxnet"):
            out.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names if a.name.startswith("cruxnet")]
    return out


MODULES = _modules()


def test_every_room_has_a_layer() -> None:
    assert {_room(m) for m in MODULES} <= set(LAYERS), set(map(_room, MODULES)) - set(LAYERS)


def test_imports_go_down_the_layers() -> None:
    up = []
    for mod, tree in MODULES.items():
        for target, _ in _imports(tree):
            if LAYERS[_room(target)] > LAYERS[_room(mod)]:
                up.append(f"{mod} -> {target}")
    assert not up, up


def test_no_import_circles() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for mod, tree in MODULES.items():
        for target, names in _imports(tree):
            for t in [target, *(f"{target}.{n}" for n in names)]:
                if t in MODULES and t != mod:
                    graph[mod].add(t)
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        seen[m] = 1
        stack.append(m)
        for t in graph[m]:
            if seen.get(t) == 1:
                raise AssertionError("import circle: " + " -> ".join(
                    [*stack[stack.index(t):], t]))
            if t not in seen:
                visit(t)
        stack.pop()
        seen[m] = 2

    for m in sorted(MODULES):
        if m not in seen:
            visit(m)


def test_no_private_name_crosses_modules() -> None:
    crossing = [f"{mod} takes {n} from {target}" for mod, tree in MODULES.items()
                for target, names in _imports(tree) for n in names
                if n.startswith("_") and not n.startswith("__") and target != mod]
    assert not crossing, crossing


#: The engine's inner workings: its axis names, factors, gradients and fitting. The layers
#: above call its public primitives (posterior, posterior_draws, observe_and_do, table_swaps,
#: table_gradients, draw_plan, prepare_query) instead.
ENGINE_INSIDE = {"cruxnet.inference.contract", "cruxnet.inference.gradients",
                 "cruxnet.inference.jeffrey"}
ENGINE_NAMES = {"DRAW", "LAST_AXIS", "GRAD_PREFIX", "query_factors", "cpt_factor_index",
                "contract_with_gradients", "pair_with_gradient", "draw_axis_last"}


def test_analyses_use_the_engines_public_primitives() -> None:
    inside = []
    for mod, tree in MODULES.items():
        if mod.startswith("cruxnet.inference"):
            continue
        for target, names in _imports(tree):
            if target in ENGINE_INSIDE or (target.startswith("cruxnet.inference")
                                           and set(names) & ENGINE_NAMES):
                inside.append(f"{mod} -> {target} {sorted(set(names) & ENGINE_NAMES)}")
    assert not inside, inside


def test_pymc_only_in_the_updating_package() -> None:
    users = set()
    for mod, tree in MODULES.items():
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("pymc", "pytensor") for n in names):
                users.add(mod)
    assert users and all(m.startswith("cruxnet.updating.") for m in users), users


def test_everything_the_notebooks_use_is_public() -> None:
    """The notebooks import only from ``cruxnet`` or one of its subpackages' ``__init__``
    (or a top-level module such as ``cruxnet.base.figure``), and only public names."""
    import ast
    import importlib

    root = ROOT / "notebooks"
    seen = 0
    for nb in root.glob("*.py"):
        for node in ast.walk(ast.parse(nb.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cruxnet"):
                module = importlib.import_module(node.module or "")
                assert node.module.count(".") <= 1, (nb.name, node.module)
                for alias in node.names:
                    assert not alias.name.startswith("_"), (nb.name, alias.name)
                    exported = getattr(module, "__all__", None)
                    assert exported is None or alias.name in exported, (node.module, alias.name)
                    seen += 1
    assert seen > 20


def test_every_error_and_warning_lives_in_one_module() -> None:
    """Every exception and warning class is defined in ``cruxnet/base/errors.py`` (the other modules
    re-export what they raise); fits that do not converge are RuntimeErrors, bad input
    ValueErrors."""
    import cruxnet.base.errors as errors

    elsewhere = []
    for mod, tree in MODULES.items():
        if mod == "cruxnet.base.errors":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_") and any(
                    isinstance(b, ast.Name) and b.id.endswith(("Error", "Warning", "Exception",
                                                                "NotConverged"))
                    for b in node.bases):
                elsewhere.append(f"{mod}.{node.name}")
    assert not elsewhere, elsewhere
    assert issubclass(errors.FitError, RuntimeError)
    assert issubclass(errors.ConvergenceError, RuntimeError)
    assert issubclass(errors.JeffreyNotConverged, errors.ConvergenceError)
    assert issubclass(errors.SpecError, ValueError)
    assert issubclass(errors.SensitivityError, errors.CruxnetError)
