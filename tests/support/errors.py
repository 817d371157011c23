"""How the tests check the errors people see: the command run in this process, its exit code
and its one line ``cruxnet: error: ...``, and the one-line message of an exception."""

from __future__ import annotations

import pytest

from cruxnet.cli import main as cli


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``cruxnet ARGS`` in this process: its exit code, stdout and stderr."""
    try:
        rc = cli(list(args))
    except SystemExit as exc:  # argparse's own errors
        rc = int(exc.code or 0)
    out = capsys.readouterr()
    return rc, out.out, out.err


def one_line_error(rc: int, err: str, *needles: str) -> None:
    """Exit 2 and one line ``cruxnet: error: ...`` containing every needle."""
    lines = err.strip().splitlines()
    assert rc == 2, err
    assert len(lines) == 1 and lines[0].startswith("cruxnet: error: "), err
    for n in needles:
        assert n in lines[0], lines[0]


def error_message(exc_type: type[Exception], fn, *args, **kw) -> str:
    """The message of the ``exc_type`` that ``fn(*args, **kw)`` raises, checked to be one line."""
    with pytest.raises(exc_type) as info:
        fn(*args, **kw)
    msg = str(info.value)
    assert "\n" not in msg, msg
    return msg
