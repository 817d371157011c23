"""The ``cruxnet`` command: a thin layer over the library, one module per command family.

Bad input exits with status 2 and one line on stderr beginning ``cruxnet: error:``. Set
``CRUXNET_DEBUG=1`` to see a traceback instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from cruxnet.base.errors import CruxnetError, one_line
from cruxnet.base.terminal import EscapingStream
from cruxnet.cli import models, pictures, query, report, sensitivity, update
from cruxnet.cli.options import EXIT_USAGE, Parser

__all__ = ["build_parser", "main"]

#: The command families, in the order ``cruxnet --help`` lists them.
FAMILIES = (models, query, pictures, sensitivity, report, update)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for docs and tests)."""
    parser = Parser(
        prog="cruxnet",
        description="Cruxes of AI-safety strategy as a Bayesian network: query it with "
                    "evidence, validate and export models.")
    from cruxnet.base.version import cruxnet_version

    parser.add_argument("--version", action="version", version=f"cruxnet {cruxnet_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for family in FAMILIES:
        family.register(sub)
    return parser


@contextlib.contextmanager
def _notes() -> Iterator[None]:
    """Print a network file's rounding note once per message as ``cruxnet: note: ...`` on
    stderr (other warnings as usual)."""
    import warnings

    from cruxnet.io.bif import RoundedRowsWarning

    seen: set[str] = set()
    default = warnings.showwarning

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if issubclass(category, RoundedRowsWarning):
            if str(message) not in seen:
                seen.add(str(message))
                print(f"cruxnet: note: {message}", file=sys.stderr)
            return
        default(message, category, *args, **kwargs)

    with warnings.catch_warnings():
        warnings.simplefilter("always", RoundedRowsWarning)
        warnings.showwarning = show
        yield


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cruxnet`` command; returns the exit status. Everything it prints
    goes through :class:`~cruxnet.base.terminal.EscapingStream`: text from a file cannot send
    the terminal control sequences."""
    with _escaped():
        ns = build_parser().parse_args(argv)
        with _notes():
            return _run(ns)


@contextlib.contextmanager
def _escaped() -> Iterator[None]:
    out, err = sys.stdout, sys.stderr
    sys.stdout = EscapingStream(out)
    sys.stderr = EscapingStream(err, keep_cr=True)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def _run(ns: argparse.Namespace) -> int:
    """Run the command, turning what can go wrong into one line and an exit status."""
    try:
        return int(ns.run(ns))
    except CruxnetError as exc:
        if os.environ.get("CRUXNET_DEBUG"):
            raise
        print(f"cruxnet: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cruxnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file the user named cannot be read or written
        if os.environ.get("CRUXNET_DEBUG"):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cruxnet: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        if os.environ.get("CRUXNET_DEBUG"):
            raise
        print(f"cruxnet: error: internal error ({exc.__class__.__name__}: {exc}); please "
              "report it, with CRUXNET_DEBUG=1 for the traceback", file=sys.stderr)
        return 1
