"""Write the package's long description (what PyPI and ``pip show`` display) from README.md.

The README's pictures and links to files are relative: they work on GitHub, in a clone and in
the source distribution (which carries ``docs/*.png`` and the notebooks), but not on PyPI, which
has no files beside the text. The description replaces each picture by a line naming it and
where it is, and each link to a file by its text and path, so nothing in it is a broken image.

    python scripts/build_description.py          # writes docs/description.md
    python scripts/build_description.py --check  # exit 1 when it has drifted from README.md
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DESCRIPTION = ROOT / "docs" / "description.md"

_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s#][^)\s]*)\)")
_ABSOLUTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def description(readme: str) -> str:
    """The README with relative pictures and file links spelled out as text."""

    def image(m: re.Match[str]) -> str:
        alt, target = m.group(1), m.group(2)
        if _ABSOLUTE.match(target):
            return m.group(0)
        return f"*(Picture: {alt}; `{target}` in the repository and the source distribution.)*"

    def link(m: re.Match[str]) -> str:
        text, target = m.group(1), m.group(2)
        if _ABSOLUTE.match(target):
            return m.group(0)
        return f"{text} (`{target}`)"

    head = ("<!-- Generated from README.md by scripts/build_description.py; "
            "edit README.md instead. -->\n")
    return head + _LINK.sub(link, _IMAGE.sub(image, readme))


def main(argv: list[str]) -> int:
    text = description(README.read_text(encoding="utf-8"))
    if "--check" in argv:
        if DESCRIPTION.read_text(encoding="utf-8") != text:
            print("docs/description.md has drifted from README.md: "
                  "run python scripts/build_description.py", file=sys.stderr)
            return 1
        return 0
    DESCRIPTION.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
