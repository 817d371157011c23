"""The works the bundled models cite: authors, title, date, link, and each one's sections.

``cruxnet/data/bibliography.yaml`` holds one entry per work. A model's ``sources`` maps its
short seed ids (``S0``) to entry keys; a citation then names a seed and one or more of that
work's sections, and :func:`check_citation` says whether each section exists. Reports cite by
:meth:`Reference.cite` (author, title, date and link), never by file name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from cruxnet.base.bundled import BIBLIOGRAPHY

__all__ = ["Reference", "bibliography", "check_citation", "split_sections"]

@dataclass(frozen=True)
class Reference:
    """One cited work."""

    key: str
    authors: str
    short: str
    title: str
    date: str
    link: str
    venue: str = ""
    file: str = ""
    sections: tuple[str, ...] = ()

    def cite(self, section: str = "") -> str:
        """``Greenblatt & Stastny (2026), 'How do we (more) safely defer to AIs?', Lead Time
        Critical``: author and year, title, and the section if given."""
        out = f"{self.short}, '{self.title}'"
        return f"{out}, {section}" if section else out


@cache
def bibliography() -> Mapping[str, Reference]:
    """Every entry of :data:`BIBLIOGRAPHY`, by key."""
    from cruxnet.base.yamlio import load_yaml_mapping

    out = {}
    for key, raw in load_yaml_mapping(BIBLIOGRAPHY).items():
        out[str(key)] = Reference(
            key=str(key), authors=str(raw["authors"]), short=str(raw["short"]),
            title=str(raw["title"]), date=str(raw["date"]), link=str(raw["link"]),
            venue=str(raw.get("venue", "")), file=str(raw.get("file", "")),
            sections=tuple(str(s) for s in raw.get("sections", ())))
    return out


def split_sections(section: str) -> list[str]:
    """A citation's section text as the sections it names (``; `` separates several)."""
    return [s.strip() for s in section.split(";") if s.strip()]


def check_citation(ref: Reference, section: str) -> list[str]:
    """The sections a citation names that ``ref`` does not have (empty if all exist)."""
    return [s for s in split_sections(section) if s not in ref.sections]
