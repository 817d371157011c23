"""Text that reaches a terminal: control characters escaped.

A model or worldview file may carry text (labels, definitions, readings) that someone else
wrote. Printed raw, an ESC, OSC, BEL or backspace sequence in it could recolour, retitle,
clear or overwrite what the user sees. The ``cruxnet`` command writes its output through
:class:`EscapingStream`, which shows every control character (C0 and C1, DEL) and every lone
surrogate as a visible escape such as ``\\x1b``, keeping newlines and tabs (and, on the
progress stream, carriage returns).
"""

from __future__ import annotations

import re
from typing import Any, TextIO

__all__ = ["EscapingStream", "escape_controls"]

# C0 and C1 controls, DEL, lone surrogates and the bidirectional overrides (U+200E, U+200F,
# U+202A-U+202E, U+2066-U+2069), which reorder what a terminal shows.
_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff{_BIDI}]")
_CONTROL_NO_CR = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ud800-\\udfff{_BIDI}]")


def _shown(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def escape_controls(text: str, *, keep_cr: bool = False) -> str:
    """``text`` with control characters and lone surrogates made visible (newlines and tabs
    kept; carriage returns too with ``keep_cr``).

    >>> escape_controls("safe\\x1b]0;pwned\\x07 label\\tok\\n")
    'safe\\\\x1b]0;pwned\\\\x07 label\\tok\\n'
    """
    return (_CONTROL_NO_CR if keep_cr else _CONTROL).sub(_shown, text)


class EscapingStream:
    """A text stream that escapes what it is given (see :func:`escape_controls`) and passes
    everything else (``isatty``, ``fileno``, ``encoding``...) to the stream it wraps."""

    def __init__(self, stream: TextIO, *, keep_cr: bool = False):
        self._stream = stream
        self._keep_cr = keep_cr

    def write(self, text: str) -> int:
        self._stream.write(escape_controls(text, keep_cr=self._keep_cr))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
