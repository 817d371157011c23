"""The limits on what cruxnet reads, each refused at once with its number and the limit.

A hostile or broken file (a YAML alias bomb, a read of ``/dev/zero`` or a FIFO, a gzip bomb,
100,000 states, a table of 30 parents) would otherwise run until a timeout or a
``MemoryError`` shown as an internal error. The README lists these limits.
"""

from __future__ import annotations

import gzip
import math
import stat
from pathlib import Path

from cruxnet.base.errors import SpecError

__all__ = [
    "MAX_COUNT",
    "MAX_DRAWS",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MAX_STATES",
    "MAX_TABLE_ENTRIES",
    "MAX_YAML_NODES",
    "check_table_size",
    "read_text_limited",
]

#: The largest file cruxnet reads (after decompression for .gz files).
MAX_FILE_BYTES = 32 * 2**20
#: The most values a YAML document may expand to, aliases counted as often as they are used.
MAX_YAML_NODES = 1_000_000
#: The most nodes in a model.
MAX_NODES = 10_000
#: The most states of one node.
MAX_STATES = 1_000
#: The most entries of one node's table (parents' states times its own): 2**24, 128 MiB.
MAX_TABLE_ENTRIES = 2**24
#: The most parameter draws a question may ask for.
MAX_DRAWS = 10**9
#: The largest count a ledger entry may give.
MAX_COUNT = 10**12
#: The most entries of one intermediate table of an exact computation: 2**27, 1 GiB.
MAX_INTERMEDIATE = 2**27
#: The most nodes a picture (``show``, ``explore``) draws: laying out more takes minutes
#: (441 nodes: 3 min) and gives a picture nobody can read.
MAX_PICTURE_NODES = 250


def _mib(n: float) -> str:
    return f"{n / 2**20:.3g} MiB"


def read_text_limited(path: str | Path, *, what: str = "file") -> str:
    """The UTF-8 text of a regular file (a byte-order mark dropped; ``.gz`` decompressed), read
    only up to :data:`MAX_FILE_BYTES`: a FIFO, a device or a larger file is refused at once."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise SpecError("file not found", file=str(p)) from None
    except OSError as exc:
        raise SpecError(f"cannot read the {what} ({exc.strerror or exc})", file=str(p)) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file (a pipe or device)"
        raise SpecError(f"cannot read the {what}: it is {kind}", file=str(p))
    if st.st_size > MAX_FILE_BYTES:
        raise SpecError(f"the {what} is {_mib(st.st_size)}, more than the limit of "
                        f"{_mib(MAX_FILE_BYTES)}", file=str(p))
    try:
        if p.name.lower().endswith(".gz"):
            with gzip.open(p, "rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise SpecError(f"the {what} decompresses to more than the limit of "
                                f"{_mib(MAX_FILE_BYTES)}", file=str(p))
        else:
            raw = p.read_bytes()
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(f"the {what} is not UTF-8 text (byte {exc.start})", file=str(p)) from None
    except (OSError, EOFError) as exc:
        raise SpecError(f"cannot read the {what} ({getattr(exc, 'strerror', None) or exc})",
                        file=str(p)) from None


def check_table_size(cards: list[int], node: str, file: str | None) -> None:
    """Refuse a table of more than :data:`MAX_TABLE_ENTRIES` entries."""
    entries = math.prod(cards)
    if entries > MAX_TABLE_ENTRIES:
        shape = " x ".join(map(str, cards)) if len(cards) <= 6 else f"{len(cards) - 1} parents"
        raise SpecError(f"the table would hold {entries:,} entries ({shape}), more than the "
                        f"limit of {MAX_TABLE_ENTRIES:,}", file=file, node=node)


def check_picture_size(n_nodes: int, name: str) -> None:
    """Refuse, before any work, a picture of more than :data:`MAX_PICTURE_NODES` nodes."""
    if n_nodes > MAX_PICTURE_NODES:
        raise SpecError(f"model {name} has {n_nodes:,} nodes, more than the {MAX_PICTURE_NODES} "
                        "a picture can draw (laying it out would take minutes and nobody could "
                        "read it); ask about its nodes with cruxnet query or describe instead")


def check_intermediate(entries: int) -> None:
    """Refuse, before computing, an exact computation whose largest intermediate table would
    hold more than :data:`MAX_INTERMEDIATE` entries (a query over many tightly connected nodes)
    instead of running out of memory."""
    if entries > MAX_INTERMEDIATE:
        from cruxnet.base.errors import TooLargeError

        raise TooLargeError(f"this question needs a table of {entries:,} entries "
                            f"({entries * 8 / 2**30:.3g} GiB) on the way, more than the limit "
                            f"of {MAX_INTERMEDIATE:,}: the network is too tightly connected "
                            "for exact answers about these nodes together; ask about fewer "
                            "nodes, or observe some of them")
