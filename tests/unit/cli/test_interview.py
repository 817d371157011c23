"""The guided interview's answers (issue 15, item 6), read as people type them, and bad ones
told why. (The interview itself runs in a real pseudo-terminal: tests/system/test_interview.py.)"""

from __future__ import annotations

import re

import pytest

from cruxnet.cli.interview import parse_answer

BIN = ("no", "yes")


LEAD = ("under_2wk", "about_1mo", "to_6mo", "to_2y", "over_2y")


@pytest.mark.parametrize(("typed", "kind", "expect"), [
    ("8%", "point", 0.08), ("0.08", "point", 0.08), (" 8 % ", "point", 0.08),
    ("12.5", "point", 0.125), (".3", "point", 0.3),
    ("5-15%", "interval", (0.05, 0.15, 0.9)), ("5–15%", "interval", (0.05, 0.15, 0.9)),
    ("5% to 15%", "interval", (0.05, 0.15, 0.9)), ("0.05-0.15", "interval", (0.05, 0.15, 0.9)),
    ("between 20% and 60%, 80% sure", "interval", (0.2, 0.6, 0.8)),
    ("Between 20 and 60, 80% confident", "interval", (0.2, 0.6, 0.8)),
    ("same", "same", None), ("SKIP", "skip", None), ("?", "help", None), ("", "keep", None),
])
def test_answers_read_as_people_type_them(typed: str, kind: str, expect) -> None:
    a = parse_answer(typed, BIN)
    assert a.kind == kind
    if kind == "point":
        assert a.value == pytest.approx(expect, abs=1e-12)
    if kind == "interval":
        assert (a.low, a.high, a.sure) == pytest.approx(expect, abs=1e-12)


@pytest.mark.parametrize(("typed", "states", "reason"), [
    ("maybe", BIN, "cannot read that"), ("0%", BIN, "strictly between 0% and 100%"),
    ("100%", BIN, "strictly between"), ("60-20%", BIN, "must be below the high end"),
    ("20%, 80% sure", BIN, "'sure' goes with a range"),
    ("30, 30, 20", LEAD, "give 5 numbers"), ("30, 30, 20, 10, 5", LEAD, "sum to 95"),
    ("soon: 20%", LEAD, "'soon' is not a state"),
])
def test_bad_answers_say_why(typed: str, states, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_answer(typed, states)
