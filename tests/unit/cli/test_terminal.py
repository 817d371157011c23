"""Text from files reaches the terminal with its control characters escaped: a shared model
whose label carries an OSC title sequence, a screen clear or a backspace cannot act on the
user's terminal through describe, query, summary or an error line."""

from __future__ import annotations

import pytest
from support.errors import run_main
from support.models import TINY_MODEL, TINY_WORLDVIEW, write_tiny

#: An OSC retitle ending in BEL, a clear-screen CSI, a backspace, DEL and a C1 CSI.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x08\x7f\x9b31m"
CONTROLS = [chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7f, 0xa0)]]


@pytest.fixture
def hostile_model(tmp_path):
    model = TINY_MODEL.replace("  - {id: a, states: [no, yes]}",
                               '  - {id: a, states: [no, yes], label: "A\\e]0;pwned\\a\\e[2J'
                               '\\b\\x7f\\x9b31m", definition: "d\\e[31mred"}')
    worldview = TINY_WORLDVIEW.replace("worldview: base", 'worldview: base\ntitle: "t\\e[2J"')
    return write_tiny(tmp_path, model, worldview)


@pytest.mark.parametrize("command", [["describe", "a"], ["query", "a"], ["summary"],
                                     ["describe", "a", "--json"]])
def test_file_text_cannot_drive_the_terminal(hostile_model, capsys, command) -> None:
    rc, out, err = run_main(capsys, *command, "-m", str(hostile_model))
    assert rc == 0, err
    assert not any(c in out + err for c in CONTROLS), repr(out)
    if command == ["describe", "a"]:
        assert "\\x1b]0;pwned\\x07\\x1b[2J\\x08\\x7f\\x9b31m" in out


def test_error_lines_are_escaped_too(capsys) -> None:
    rc, _, err = run_main(capsys, "query", "catastrophe", "-e", f"scheming={HOSTILE}")
    assert rc == 2
    assert not any(c in err for c in CONTROLS), repr(err)
    assert err.startswith("cruxnet: error: ") and "\\x1b[2J" in err


def test_bidirectional_overrides_are_shown_not_obeyed() -> None:
    from cruxnet.base.terminal import escape_controls

    assert escape_controls("safe\u202eevil\u2066x") == "safe\\u202eevil\\u2066x"
