"""Reading YAML safely: a tag that would run code is refused, with its line."""

from __future__ import annotations

from pathlib import Path

from support.errors import error_message
from support.models import write_tiny

from cruxnet import SpecError
from cruxnet.files.model import load_model_spec


def test_yaml_tags_that_would_execute_code_are_rejected(tmp_path: Path) -> None:
    evil = "model: tiny\nnodes: !!python/object/apply:os.system ['echo pwned']\n"
    msg = error_message(SpecError, load_model_spec, write_tiny(tmp_path, model=evil))
    assert "line 2" in msg
