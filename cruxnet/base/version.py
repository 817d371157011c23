"""The installed cruxnet version, which every result's provenance records."""

from __future__ import annotations

from importlib import metadata

__all__ = ["cruxnet_version"]


def cruxnet_version() -> str:
    """The installed cruxnet version (``0+unknown`` when run from a bare checkout)."""
    try:
        return metadata.version("cruxnet")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"
