"""Where the bundled files live: one folder per model under ``cruxnet/data/``, holding the
model (``model.yaml``) and its worldviews and elicitation records (``worldviews/``), with the
bibliography the node texts cite beside them (``cruxnet/data/bibliography.yaml``)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["BIBLIOGRAPHY", "DATA_DIR", "bundled_model_names", "model_file", "worldview_dir"]

#: The folder of bundled data files.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The references the bundled models' node texts cite.
BIBLIOGRAPHY = DATA_DIR / "bibliography.yaml"


def bundled_model_names() -> list[str]:
    """Names of the bundled models (each a folder with a ``model.yaml``).

    >>> bundled_model_names()
    ['carlsmith_2021', 'crux_network', 'honeypot_tests']
    """
    return sorted(p.parent.name for p in DATA_DIR.glob("*/model.yaml"))


def model_file(name: str) -> Path:
    """The bundled model file of model ``name``."""
    return DATA_DIR / name / "model.yaml"


def worldview_dir(name: str) -> Path:
    """The folder of the bundled worldviews (and elicitation records) of model ``name``."""
    return DATA_DIR / name / "worldviews"
