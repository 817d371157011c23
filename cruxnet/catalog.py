"""Where models and worldviews come from: the bundled catalog, or files the user names.

A model argument is a bundled model name (``crux_network``, ``carlsmith_2021``) or a path to a
``.yaml`` model file, a ``.bif``/``.bif.gz`` file or an ``.xml``/``.xmlbif`` file. A worldview
argument is a name (looked up beside the model file, then in the bundled worldviews of that
model) or a path to a worldview ``.yaml``. A BIF/XMLBIF network is its own worldview.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cruxnet.base.bundled import bundled_model_names, model_file, worldview_dir
from cruxnet.base.errors import EvidenceError, SpecError
from cruxnet.base.version import cruxnet_version
from cruxnet.files.model import load_model_spec
from cruxnet.files.worldview import load_worldview
from cruxnet.model.network import BayesNet
from cruxnet.model.spec import ModelSpec
from cruxnet.model.worldview import Worldview

__all__ = [
    "DEFAULT_MODEL",
    "ModelEntry",
    "bundled_models",
    "cruxnet_version",
    "load_model",
    "load_network",
    "network_from_worldview",
    "resolve_elicitation",
    "resolve_worldview",
    "worldview_names",
]

DEFAULT_MODEL = "crux_network"
_NETWORK_SUFFIXES = (".bif", ".bif.gz", ".xml", ".xmlbif", ".bifxml", ".xml.gz")


@dataclass(frozen=True)
class ModelEntry:
    """A model as found: its structure and where its worldviews live."""

    spec: ModelSpec
    path: Path
    worldview_dirs: tuple[Path, ...]
    network: BayesNet | None = None  # set for BIF/XMLBIF files


def bundled_models() -> list[str]:
    """Names of the models that ship with cruxnet.

    >>> bundled_models()
    ['carlsmith_2021', 'crux_network', 'honeypot_tests']
    """
    return bundled_model_names()


def worldview_names(entry: ModelEntry) -> list[str]:
    """Worldviews available for a model (files beginning with ``_`` are shared bases)."""
    if entry.network is not None:
        return [entry.network.worldview]
    names: set[str] = set()
    for d in entry.worldview_dirs:
        names.update(p.stem for p in d.glob("*.yaml") if _is_worldview_file(p))
    return sorted(names)


_WORLDVIEW_KEY = re.compile(r"^worldview\s*:", re.MULTILINE)


def _is_worldview_file(path: Path) -> bool:
    """A ``.yaml`` beside a model that declares ``worldview:`` (shared ``_bases`` excluded)."""
    if path.stem.startswith("_"):
        return False
    try:
        return bool(_WORLDVIEW_KEY.search(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def is_network_file(path: Path) -> bool:
    """True for a BIF or XMLBIF file name (by extension)."""
    return path.name.lower().endswith(_NETWORK_SUFFIXES)


#: What cruxnet reads, for messages.
SUPPORTED_FORMATS = ("cruxnet YAML models (.yaml, .yml), BIF (.bif, .bif.gz) and XMLBIF (.xml, "
                     ".xmlbif, .bifxml, .xml.gz)")
#: Other tools' network formats, by extension: named in the error instead of a YAML parse error.
_FOREIGN = {".xdsl": "GeNIe's XDSL format", ".dsl": "GeNIe's DSL format",
            ".net": "the Hugin .net format", ".hugin": "the Hugin .net format",
            ".dne": "Netica's DNE format", ".neta": "Netica's binary NETA format",
            ".uai": "the UAI format", ".dsc": "the DSC format", ".cmpx": "AgenaRisk's format",
            ".json": "a JSON file (not a cruxnet model)", ".csv": "a CSV file (data, not a model)"}


def check_format(path: Path) -> None:
    """Refuse, in one line, a file whose extension says it is not a cruxnet, BIF or XMLBIF file
    (other tools' formats are named) instead of failing to parse it as YAML."""
    suffix = path.suffix.lower()
    if suffix in _FOREIGN:
        raise SpecError(f"this is {_FOREIGN[suffix]}, which cruxnet does not read; supported: "
                        f"{SUPPORTED_FORMATS} (GeNIe, Netica and Hugin export BIF or XMLBIF)",
                        file=str(path))
    if suffix and suffix not in (".yaml", ".yml") and not is_network_file(path):
        raise SpecError(f"unknown file type {suffix!r}; supported: {SUPPORTED_FORMATS}",
                        file=str(path))


def load_model(model: str | Path = DEFAULT_MODEL, *, normalize: bool = False) -> ModelEntry:
    """Find and validate a model by bundled name or path."""
    text = str(model)
    path = Path(text)
    if text in bundled_models():
        path = model_file(text)
    elif not path.exists():
        if path.suffix or "/" in text:
            raise SpecError("file not found", file=text)
        raise SpecError(f"unknown model {text!r}; bundled models: {', '.join(bundled_models())} "
                        "(or give a path to a .yaml, .bif or .xmlbif file)")
    check_format(path)
    if is_network_file(path):
        from cruxnet.io.bif import read_bif
        from cruxnet.io.xmlbif import read_xmlbif

        low = path.name.lower()
        reader = read_bif if low.endswith((".bif", ".bif.gz")) else read_xmlbif
        net = reader(path, normalize=normalize)
        return ModelEntry(net.spec, path, (path.parent,), net)
    spec = load_model_spec(path)
    dirs = [path.parent / "worldviews" / spec.name, path.parent / "worldviews", path.parent,
            worldview_dir(spec.name)]
    dirs = list(dict.fromkeys(d.resolve() for d in dirs if d.is_dir()))
    return ModelEntry(spec, path, tuple(dirs))


def _yaml_path(text: str) -> Path | None:
    """``text`` as a path if it names a .yaml/.yml file (which must exist), else None."""
    p = Path(text)
    if p.suffix not in (".yaml", ".yml"):
        return None
    if not p.exists():
        raise SpecError("file not found", file=text)
    return p


def resolve_worldview(entry: ModelEntry, worldview: str | Path | None) -> Path:
    """The worldview file for ``worldview`` (a name or a path); default: the model's default."""
    if worldview is None:
        worldview = entry.spec.default_worldview
        if worldview is None:
            raise SpecError(f"model {entry.spec.name} declares no default_worldview; "
                            "choose one with --worldview", file=str(entry.path))
    text = str(worldview)
    given = _yaml_path(text)
    if given is not None:
        return given
    for d in entry.worldview_dirs:
        cand = d / f"{text}.yaml"
        if cand.exists() and _is_worldview_file(cand):
            return cand
    raise SpecError(f"unknown worldview {text!r} for model {entry.spec.name}; available: "
                    f"{', '.join(worldview_names(entry)) or 'none'}")


def load_network(model: str | Path = DEFAULT_MODEL, worldview: str | Path | None = None,
                 *, normalize: bool = False) -> BayesNet:
    """Load a model and one of its worldviews as a :class:`BayesNet` of point CPTs.

    Parameters
    ----------
    model
        Bundled model name or a path (.yaml, .bif, .bif.gz, .xml, .xmlbif).
    worldview
        Worldview name or .yaml path; default: the model's ``default_worldview``.
    normalize
        For BIF/XMLBIF files: rescale rows that do not sum to 1 (rounded files).

    Returns
    -------
    BayesNet
        With provenance: model name and hash, worldview name and hash, cruxnet version.

    Examples
    --------
    >>> net = load_network("carlsmith_2021", "superforecasters_2023")
    >>> net.worldview, net.spec.node_ids[-1]
    ('superforecasters_2023', 'catastrophe')
    """
    return network_for(load_model(model, normalize=normalize), worldview)


def network_for(entry: ModelEntry, worldview: str | Path | None = None) -> BayesNet:
    """The network of an already loaded model under ``worldview`` (see :func:`load_network`)."""
    if entry.network is not None:
        net = entry.network
        if worldview is not None and str(worldview) != net.worldview:
            wv = load_worldview(resolve_worldview(entry, worldview), entry.spec)
            return network_from_worldview(entry.spec, wv)
        digest = hashlib.sha256()
        for node in net.spec.node_ids:
            digest.update(np.ascontiguousarray(net.cpts[node]).tobytes())
        prov = {**net.provenance, "model": net.spec.name, "spec_sha256": net.spec.sha256,
                "worldview": net.worldview, "worldview_sha256": digest.hexdigest(),
                "cruxnet_version": cruxnet_version()}
        return BayesNet(net.spec, net.cpts, net.worldview, prov)
    wv = load_worldview(resolve_worldview(entry, worldview), entry.spec)
    return network_from_worldview(entry.spec, wv)


def resolve_elicitation(entry: ModelEntry, records: str | Path) -> Path:
    """The elicitation file for ``records``: a path, or NAME of a ``NAME.elicit.yaml`` beside
    the model's worldviews."""
    text = str(records)
    given = _yaml_path(text)
    if given is not None:
        return given
    names = []
    for d in entry.worldview_dirs:
        cand = d / f"{text}.elicit.yaml"
        if cand.exists():
            return cand
        names += [q.name.removesuffix(".elicit.yaml") for q in d.glob("*.elicit.yaml")]
    raise SpecError(f"unknown elicitation {text!r} for model {entry.spec.name}; available: "
                    f"{', '.join(sorted(set(names))) or 'none'} (or give a .elicit.yaml path)")


def network_from_worldview(spec: ModelSpec, wv: Worldview) -> BayesNet:
    """The network of ``spec`` with ``wv``'s point CPTs, its forms as the prior, and provenance."""
    prov = {"model": spec.name, "spec_sha256": spec.sha256, "worldview": wv.name,
            "worldview_sha256": wv.sha256, "cruxnet_version": cruxnet_version()}
    if wv.base is not None:
        prov["base"] = wv.base
        changed = "; ".join(o.describe() for o in wv.overrides if o.kind != "marginal")
        if changed:
            prov["overrides"] = changed
    net = BayesNet(spec, wv.point_cpts(spec), wv.name, prov, wv)
    if not wv.marginals:
        return net
    from cruxnet.inference.marginals import apply_stated_marginals

    try:
        return apply_stated_marginals(net, wv.marginals)
    except EvidenceError as exc:
        raise SpecError(f"marginals: {exc}", file=wv.file) from None
